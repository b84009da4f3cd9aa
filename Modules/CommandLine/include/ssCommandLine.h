#ifndef ssCommandLine_h
#define ssCommandLine_h

#include "SuperSpotCommandLineExport.h"
#include "ssProgress.h"

#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

/** \file ssCommandLine.h
 * The runtime of the parsers SuperSpotGenerateCLP writes from a module's XML
 * (<Name>CLP.h), and the wrapper every CLI module's entry point runs its work in.
 *
 * A module's entry point reads:
 *
 *   int SuperSpotInfoModuleEntryPoint(int argc, char * argv[])
 *   {
 *     SuperSpotInfoParameters args;
 *     if (const auto exitCode = ParseSuperSpotInfo(argc, argv, args))
 *       return *exitCode;                  // --xml, --help, --version, or a parse error
 *     return ss::RunModule([&] {
 *       ... args.numberOfSpots = n;        // a return parameter (channel="output")
 *       args.WriteReturnParameters();      // "numberOfSpots = 4992" to --returnparameterfile
 *       return 0;
 *     });
 *   }
 */

namespace ss
{

/** The arguments every SuperSpot CLI module accepts besides those of its XML, as SEM's
 * GenerateCLP adds them. The generated <Name>Parameters derives from this. */
struct SuperSpotCommandLine_EXPORT CommandLineArguments
{
  /** --echo: print every parameter's value after parsing. */
  bool echo = false;
  /** --returnparameterfile: where Slicer wants the return parameters ("name = value" lines). */
  std::string returnParameterFile;
  /** --processinformationaddress: Slicer passes it to shared-object modules only; an
   * executable accepts and ignores it. */
  std::string processInformationAddress;
};

/** A value on the command line that its XML does not allow (out of a constraint's range,
 * not a number, wrong number of coordinates). what() is one line naming the flag. */
class SuperSpotCommandLine_EXPORT CommandLineError : public std::runtime_error
{
public:
  explicit CommandLineError(const std::string & message);
  ~CommandLineError() override;
};

/** True when any argument is exactly "--xml". Checked before anything else is built, so
 * that Slicer (which waits 5 s for `<module> --xml`) gets the description even when the
 * rest of the command line would not parse. */
SuperSpotCommandLine_EXPORT bool ArgumentsRequestXML(int argc, const char * const * argv);

/** Strict conversion of one value: the whole text (spaces around it aside) must be the
 * value. int: decimal within range; float/double: a finite number; bool: "true"/"false";
 * std::string: unchanged. Throws CommandLineError "WHAT: 'TEXT' is not ...". */
template<typename T>
T ParseValue(const std::string & text, const std::string & what);
template<>
SuperSpotCommandLine_EXPORT int ParseValue<int>(const std::string & text, const std::string & what);
template<>
SuperSpotCommandLine_EXPORT float ParseValue<float>(const std::string & text, const std::string & what);
template<>
SuperSpotCommandLine_EXPORT double ParseValue<double>(const std::string & text, const std::string & what);
template<>
SuperSpotCommandLine_EXPORT bool ParseValue<bool>(const std::string & text, const std::string & what);
template<>
SuperSpotCommandLine_EXPORT std::string ParseValue<std::string>(const std::string & text, const std::string & what);

/** Comma-separated values (SEM's vector and point syntax, e.g. "1,2,3"); "" is empty. */
template<typename T>
std::vector<T> ParseList(const std::string & text, const std::string & what);
extern template SuperSpotCommandLine_EXPORT std::vector<int> ParseList<int>(const std::string &, const std::string &);
extern template SuperSpotCommandLine_EXPORT std::vector<float> ParseList<float>(const std::string &,
                                                                                const std::string &);
extern template SuperSpotCommandLine_EXPORT std::vector<double> ParseList<double>(const std::string &,
                                                                                  const std::string &);
extern template SuperSpotCommandLine_EXPORT std::vector<std::string> ParseList<std::string>(const std::string &,
                                                                                            const std::string &);

/** A point ("x,y,z": components = 3) or a region ("x,y,z,rx,ry,rz": components = 6). */
SuperSpotCommandLine_EXPORT std::vector<float> ParsePoint(const std::string & text,
                                                          std::size_t components,
                                                          const std::string & what);

/** Throws CommandLineError when a value (every element of a vector) is outside the
 * <constraints> of the XML. `what` names the flag, `source` the XML. Only bounds the XML
 * states are checked (hasMinimum / hasMaximum). <step> is the GUI's slider increment and
 * is not enforced. `valueText` is the value as the user reads it (FormatValue of the
 * parameter's own type: a float -0.1 is "-0.1", not its double expansion). */
SuperSpotCommandLine_EXPORT void CheckRange(double value,
                                            const std::string & valueText,
                                            bool hasMinimum,
                                            double minimum,
                                            bool hasMaximum,
                                            double maximum,
                                            const std::string & what,
                                            const std::string & source);
template<typename T>
void CheckRange(const T & value,
                bool hasMinimum,
                double minimum,
                bool hasMaximum,
                double maximum,
                const std::string & what,
                const std::string & source);
template<typename T>
void CheckRange(const std::vector<T> & values,
                bool hasMinimum,
                double minimum,
                bool hasMaximum,
                double maximum,
                const std::string & what,
                const std::string & source)
{
  for (const auto & v : values)
  {
    CheckRange(v, hasMinimum, minimum, hasMaximum, maximum, what, source);
  }
}

/** Throws CommandLineError when a positional value looks like an option ("--nope",
 * "-x"; negative numbers aside): TCLAP would otherwise take a mistyped flag as a file
 * name. */
SuperSpotCommandLine_EXPORT void CheckPositional(const std::string & value, const std::string & name);
inline void CheckPositional(const std::vector<std::string> & values, const std::string & name)
{
  for (const auto & v : values)
  {
    CheckPositional(v, name);
  }
}
template<typename T>
void CheckPositional(const T &, const std::string &)
{
  // Numbers cannot be mistaken for options.
}

/** Values as --echo prints them and as Slicer reads them back from the return parameter
 * file: numbers in their shortest exact form, booleans true/false, vectors comma-separated
 * ("4,5,6,7"), lists of points as "x,y,z;x,y,z". Newlines in strings become spaces, as a
 * return parameter file is one value per line. */
SuperSpotCommandLine_EXPORT std::string FormatValue(int value);
SuperSpotCommandLine_EXPORT std::string FormatValue(float value);
SuperSpotCommandLine_EXPORT std::string FormatValue(double value);
SuperSpotCommandLine_EXPORT std::string FormatValue(bool value);
SuperSpotCommandLine_EXPORT std::string FormatValue(const std::string & value);
SuperSpotCommandLine_EXPORT std::string FormatValue(const char * value);
template<typename T>
std::string FormatValue(const std::vector<T> & values)
{
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i)
  {
    s += (i ? "," : "") + FormatValue(values[i]);
  }
  return s;
}
SuperSpotCommandLine_EXPORT std::string FormatValue(const std::vector<std::vector<float>> & points);

template<typename T>
void CheckRange(const T & value,
                bool hasMinimum,
                double minimum,
                bool hasMaximum,
                double maximum,
                const std::string & what,
                const std::string & source)
{
  CheckRange(static_cast<double>(value), FormatValue(value), hasMinimum, minimum, hasMaximum, maximum, what, source);
}

/** Prints what --echo prints (SEM's format): "Command Line Arguments" then one
 * "    name: value" line per parameter. */
SuperSpotCommandLine_EXPORT void EchoParameters(std::ostream & os,
                                                const std::vector<std::pair<std::string, std::string>> & nameValues);

/** Writes "name = value" lines (Slicer's return parameter file) atomically. An empty
 * `path` (no --returnparameterfile) writes nothing. */
SuperSpotCommandLine_EXPORT void WriteReturnParameterFile(
  const std::string & path,
  const std::vector<std::pair<std::string, std::string>> & nameValues);

/** The progress and log style of a CLI run: SUPERSPOT_PROGRESS=slicer|console|none when
 * set; otherwise Slicer style when standard output is not a terminal (Slicer reads it
 * through a pipe) and console style on a terminal. An unknown SUPERSPOT_PROGRESS value
 * throws InputError. */
SuperSpotCommandLine_EXPORT ProgressReporter::Style ProgressStyleFromEnvironment();

/** Runs a module's work: sets the global progress style from the environment, calls
 * `body` and returns its exit code. Any exception is caught and printed once, as
 * OneLineMessage(e), on standard error (the one stream Slicer treats as an error), and
 * RunModule returns 1. */
SuperSpotCommandLine_EXPORT int RunModule(const std::function<int()> & body);

} // namespace ss

#endif
