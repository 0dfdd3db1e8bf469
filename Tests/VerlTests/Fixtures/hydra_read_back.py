"""Reads each `key=value` argument with hydra-core's own override parser, resolves it with OmegaConf as a
composed config would, and prints the values as one JSON list (a failure prints {"error": ...})."""
import json
import sys

from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf

parser = OverridesParser.create()
values = []
for argument in sys.argv[1:]:
    try:
        override = parser.parse_override(argument)
        config = OmegaConf.create({"k": override.value()})
        values.append(OmegaConf.to_container(config, resolve=True)["k"])
    except Exception as error:  # the test shows which argument failed and why
        values.append({"error": "%s: %s" % (type(error).__name__, error)})
print(json.dumps(values))
