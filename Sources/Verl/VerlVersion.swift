/// The verl releases a launch can target. Both read the reward under `reward.*`; 0.9 runs the V1 trainer by
/// default (`trainer.use_v1`), whose rollout dumps carry no reward extra fields, and 0.8 the older RayPPOTrainer.
public enum VerlVersion: String, CaseIterable, Sendable {
    case v0_9_1 = "0.9.1"
    case v0_8_0 = "0.8.0"

    /// The default: the newest release checked against.
    public static let latest = VerlVersion.v0_9_1

    /// `major.minor.`: any release of the series is accepted at start-up.
    public var series: String { rawValue.split(separator: ".").prefix(2).joined(separator: ".") + "." }

    /// The version named on the command line: an exact release or its series (`0.9`, `0.9.0`, `0.8.2`).
    public init?(argument: String) {
        guard let match = VerlVersion.allCases.first(where: { (argument + ".").hasPrefix($0.series) || argument + "." == $0.series })
        else { return nil }
        self = match
    }
}
