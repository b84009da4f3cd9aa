#ifndef ssCLPGenerator_h
#define ssCLPGenerator_h

#include "SuperSpotCommandLineExport.h"
#include "ssModuleDescription.h"

#include <string>

namespace ss
{

/** The C++ type a parameter has in the generated <Name>Parameters: integer -> int,
 * float -> float, double -> double, boolean -> bool, string and the data parameters
 * (file, directory, image, transform, geometry, table, measurement, pointfile) ->
 * std::string, X-vector -> std::vector<X>, X-enumeration -> X, point/region ->
 * std::vector<float> (3 or 6 coordinates), and multiple="true" -> std::vector of that
 * (points: std::vector<std::vector<float>>), as SEM's GenerateCLP declares them. */
SuperSpotCommandLine_EXPORT std::string CPPTypeOf(const ModuleParameter & parameter);

/** Writes <moduleName>CLP.h for a checked description: the XML text embedded byte for
 * byte (Get<moduleName>XML()), the struct <moduleName>Parameters with one member per
 * parameter initialised from its <default>, and
 *   std::optional<int> Parse<moduleName>(int argc, char ** argv, <moduleName>Parameters &)
 * built on TCLAP, which returns std::nullopt when the module should run, else the exit
 * code (0 after --xml, --help, --version; 1 after an error, printed as one line on
 * standard error). `xmlFileName` is the XML's file name, quoted in messages.
 * Throws std::invalid_argument if moduleName is not a C identifier. */
SuperSpotCommandLine_EXPORT std::string GenerateCLPHeader(const ModuleDescription & description,
                                                          const std::string & moduleName,
                                                          const std::string & xml,
                                                          const std::string & xmlFileName);

} // namespace ss

#endif
