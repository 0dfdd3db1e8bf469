#include <libxml/xmlversion.h>
// libxml2's headers pull ICU in when it was built with ICU; Swift's Foundation carries its own ICU,
// and the two clash. We never touch libxml2's encoding handlers, so hide ICU from its headers.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/tree.h>
#include <libxml/entities.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>

// xmlFree is a global function pointer, which Swift 6 treats as shared mutable state.
static inline void oneshot_xml_free(void *p) { xmlFree(p); }
