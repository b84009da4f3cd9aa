#ifndef ssModuleDescription_h
#define ssModuleDescription_h

#include "SuperSpotCommandLineExport.h"

#include <string>
#include <vector>

namespace ss
{

/** \class ModuleParameter
 * \brief One parameter of a Slicer Execution Model (SEM) module description: an
 * element such as <double> or <image> inside <parameters>.
 *
 * Text is stored as written (trimmed), so the checker can report what the XML says;
 * flags are stored without their leading dashes, as SEM stores them.
 */
struct SuperSpotCommandLine_EXPORT ModuleParameter
{
  std::string tag; ///< element name: integer, double, image, string-enumeration, ...
  std::string name;
  std::string flag;     ///< one letter, without '-'
  std::string longFlag; ///< without "--"
  std::string index;    ///< position on the command line ("0", "1", ...), empty when flagged
  std::string label;
  std::string description;
  std::string defaultValue;
  bool hasDefault = false;
  std::string channel; ///< "input", "output" or empty
  bool multiple = false;
  bool hidden = false;
  bool aggregate = false; ///< <geometry aggregate="true">: one comma-separated value
  std::string type;       ///< the type attribute: image scalar|label|..., transform linear|..., ...
  std::string reference;  ///< the reference attribute (Slicer: output geometry follows that input)
  std::string fileExtensions;
  std::string coordinateSystem;
  std::vector<std::string> elements; ///< <element> values of enumerations
  bool hasConstraints = false;
  bool hasMinimum = false, hasMaximum = false, hasStep = false;
  std::string minimum, maximum, step;
  std::string group; ///< label of the <parameters> group, for messages
  int line = 0;      ///< line of the element in the XML, for messages

  bool IsEnumeration() const;
  /** integer-vector, float-vector, double-vector, string-vector. */
  bool IsVector() const;
  /** point and region: comma-separated coordinates (3 or 6 numbers). */
  bool IsPointLike() const;
  /** Parameters whose value names data Slicer writes or reads: image, file, directory,
   * transform, geometry, table, measurement, pointfile. */
  bool IsFileLike() const;
  /** integer, float, double, their -vector and -enumeration forms. */
  bool IsNumeric() const;
  bool HasFlag() const { return !flag.empty() || !longFlag.empty(); }
  bool HasIndex() const { return !index.empty(); }
  /** A simple output (channel="output", not file-like, no flag, no index) that the module
   * returns through --returnparameterfile as "name = value" (SEM's IsReturnParameter). */
  bool IsReturnParameter() const;
  /** "--longflag" or "-f" or "<name>" (positional), as a user would type or see it. */
  std::string CommandLineName() const;
  /** "parameter 'name' (<tag> in group 'label')", for messages. */
  std::string Describe() const;
};

struct SuperSpotCommandLine_EXPORT ModuleParameterGroup
{
  std::string label;
  std::string description;
  bool advanced = false;
  std::vector<ModuleParameter> parameters;
  int line = 0;
};

/** \class ModuleDescription
 * \brief What a module's <executable> XML says: the header fields and the parameter
 * groups, in document order. */
struct SuperSpotCommandLine_EXPORT ModuleDescription
{
  std::string category;
  std::string index; ///< top-level <index>: the module's position within its category
  std::string title;
  std::string description;
  std::string version;
  std::string documentationURL;
  std::string license;
  std::string contributor;
  std::string acknowledgements;
  std::vector<ModuleParameterGroup> groups;

  /** Every parameter of every group, in document order. */
  std::vector<const ModuleParameter *> Parameters() const;
};

/** One violated rule: `rule` is a stable identifier (e.g. "duplicate-longflag"),
 * `message` one line "SOURCE:LINE: WHERE: PROBLEM. Fix: FIX". */
struct SuperSpotCommandLine_EXPORT ModuleDescriptionProblem
{
  std::string rule;
  std::string message;
};

/** Reads a module description (with libxml2, a conforming XML parser, so malformed XML
 * is refused as Slicer's expat refuses it) the way SEM's ModuleDescriptionParser does: <executable>
 * at the root, known elements only, parameter elements only inside <parameters>,
 * per-element attribute whitelists and values, valid names and flags, no <index>
 * together with a flag. Such structural problems, and malformed XML, are appended to
 * `problems` (all of them, not only the first); the returned description holds
 * whatever could be read. `source` names the XML in messages. */
SuperSpotCommandLine_EXPORT ModuleDescription ParseModuleDescription(const std::string & xml,
                                                                     const std::string & source,
                                                                     std::vector<ModuleDescriptionProblem> & problems);

/** The semantic rules on a parsed description: required elements, unique names, flags
 * and indices, contiguous indices from 0, every parameter reachable from the command
 * line, defaults that parse as their type, enumeration defaults among the elements,
 * constraints with minimum <= default <= maximum, channels on data parameters, and
 * SuperSpot's own rules (reserved flags and names, no boolean defaulting to true,
 * multiple positional parameters last). See Documentation/SlicerModules.md. */
SuperSpotCommandLine_EXPORT std::vector<ModuleDescriptionProblem> CheckModuleDescription(
  const ModuleDescription & description,
  const std::string & source);

/** ParseModuleDescription then, if the XML could be read at all, CheckModuleDescription. */
SuperSpotCommandLine_EXPORT std::vector<ModuleDescriptionProblem> ValidateModuleDescription(
  const std::string & xml,
  const std::string & source,
  ModuleDescription * description = nullptr);

/** Flags and names every SuperSpot CLI module defines itself (as SEM's GenerateCLP
 * does): a module's XML must not reuse them. */
SuperSpotCommandLine_EXPORT const std::vector<std::string> & ReservedLongFlags();
SuperSpotCommandLine_EXPORT const std::vector<std::string> & ReservedFlags();
SuperSpotCommandLine_EXPORT const std::vector<std::string> & ReservedParameterNames();

/** A C identifier: [A-Za-z_][A-Za-z0-9_]*. */
SuperSpotCommandLine_EXPORT bool IsValidIdentifier(const std::string & s);

} // namespace ss

#endif
