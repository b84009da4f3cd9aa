#include "ssCLPGenerator.h"

#include "ssCommandLine.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace ss
{

namespace
{

/** A C++ string literal of any bytes: bytes outside printable ASCII become three-digit
 * octal escapes, which (unlike \x) cannot swallow the characters that follow. */
std::string Literal(const std::string & s)
{
  std::string r = "\"";
  for (const char c : s)
  {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\')
    {
      r += '\\';
      r += c;
    }
    else if (c == '\n')
    {
      r += "\\n";
    }
    else if (c == '\t')
    {
      r += "\\t";
    }
    else if (u < 0x20 || u >= 0x7f || c == '?')
    {
      // '?' too: "??" followed by some characters is a trigraph before C++17.
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\%03o", u);
      r += buffer;
    }
    else
    {
      r += c;
    }
  }
  return r + "\"";
}

/** The XML as adjacent literals, one per line, so the generated header stays readable. */
std::string MultiLineLiteral(const std::string & s, const std::string & indent)
{
  if (s.empty())
  {
    return indent + "\"\"";
  }
  std::string r;
  std::size_t start = 0;
  while (start < s.size())
  {
    auto eol = s.find('\n', start);
    eol = eol == std::string::npos ? s.size() : eol + 1;
    r += (start ? "\n" : "") + indent + Literal(s.substr(start, eol - start));
    start = eol;
  }
  return r;
}

/** Text for a C++ comment: no comment terminator, one line. */
std::string CommentText(std::string s)
{
  for (auto & c : s)
  {
    if (c == '\n' || c == '\r' || c == '\t')
    {
      c = ' ';
    }
  }
  std::string::size_type at;
  while ((at = s.find("*/")) != std::string::npos)
  {
    s.replace(at, 2, "* /");
  }
  return s;
}

std::string ScalarType(const std::string & tag)
{
  if (tag == "integer" || tag == "integer-vector" || tag == "integer-enumeration")
  {
    return "int";
  }
  if (tag == "float" || tag == "float-vector" || tag == "float-enumeration")
  {
    return "float";
  }
  if (tag == "double" || tag == "double-vector" || tag == "double-enumeration")
  {
    return "double";
  }
  if (tag == "boolean")
  {
    return "bool";
  }
  return "std::string";
}

/** A number in C++ source: "1" -> "1.0f" for a float, so it stays a floating literal. */
std::string NumberLiteral(const std::string & type, const std::string & text)
{
  if (type == "int")
  {
    return FormatValue(ParseValue<int>(text, "value"));
  }
  std::string s =
    type == "float" ? FormatValue(ParseValue<float>(text, "value")) : FormatValue(ParseValue<double>(text, "value"));
  if (s.find_first_of(".e") == std::string::npos)
  {
    s += ".0";
  }
  return type == "float" ? s + "f" : s;
}

std::string ValueLiteral(const std::string & type, const std::string & text)
{
  if (type == "std::string")
  {
    return "std::string(" + Literal(text) + ")";
  }
  if (type == "bool")
  {
    return ParseValue<bool>(text, "value") ? "true" : "false";
  }
  return NumberLiteral(type, text);
}

/** Parameters whose command-line text is converted after TCLAP (comma-separated lists). */
bool ParsedFromText(const ModuleParameter & p)
{
  return p.IsVector() || p.IsPointLike();
}

bool IsMultipleList(const ModuleParameter & p)
{
  if (p.tag == "boolean" || p.IsVector() || p.IsEnumeration())
  {
    return false;
  }
  if (p.tag == "geometry" && p.aggregate)
  {
    return false;
  }
  return p.multiple;
}

/** The member's initialiser, from <default> (enumerations without one start at their
 * first element, as Slicer's GUI does; booleans always start false: see the checker). */
std::string Initializer(const ModuleParameter & p)
{
  const std::string scalar = ScalarType(p.tag);
  if (p.tag == "boolean")
  {
    return "false";
  }
  if (p.IsEnumeration())
  {
    const std::string text = p.hasDefault ? p.defaultValue : (p.elements.empty() ? "" : p.elements.front());
    if (text.empty() && scalar != "std::string")
    {
      return scalar == "int" ? "0" : (scalar == "float" ? "0.0f" : "0.0");
    }
    return ValueLiteral(scalar, text);
  }
  if (IsMultipleList(p) || !p.hasDefault)
  {
    if (IsMultipleList(p) || p.IsVector() || p.IsPointLike() || scalar == "std::string")
    {
      return "{}";
    }
    return scalar == "int" ? "0" : (scalar == "float" ? "0.0f" : "0.0");
  }
  if (p.IsVector())
  {
    std::string r = "{";
    const auto items = ParseList<std::string>(p.defaultValue, "default");
    for (std::size_t i = 0; i < items.size(); ++i)
    {
      r += (i ? ", " : "") + ValueLiteral(scalar, items[i]);
    }
    return r + "}";
  }
  if (p.IsPointLike())
  {
    std::string r = "{";
    const auto items = ParsePoint(p.defaultValue, p.tag == "point" ? 3 : 6, "default");
    for (std::size_t i = 0; i < items.size(); ++i)
    {
      r += (i ? ", " : "") + NumberLiteral("float", FormatValue(items[i]));
    }
    return r + "}";
  }
  return ValueLiteral(scalar, p.defaultValue);
}

/** The help text of an argument: its description and its default. */
std::string HelpText(const ModuleParameter & p)
{
  std::string h = p.description.empty() ? p.label : p.description;
  if (p.IsEnumeration())
  {
    std::string values;
    for (std::size_t i = 0; i < p.elements.size(); ++i)
    {
      values += (i ? ", " : "") + p.elements[i];
    }
    h += " (one of " + values + ")";
  }
  if (p.hasDefault && p.tag != "boolean" && !p.defaultValue.empty())
  {
    h += " (default: " + p.defaultValue + ")";
  }
  if (p.hasMinimum || p.hasMaximum)
  {
    h += " (range: " + (p.hasMinimum ? p.minimum : "-inf") + " to " + (p.hasMaximum ? p.maximum : "inf") + ")";
  }
  return h;
}

/** The type name TCLAP shows in the usage line. */
std::string TypeDescription(const ModuleParameter & p)
{
  if (p.IsPointLike())
  {
    return p.tag == "point" ? "x,y,z" : "x,y,z,rx,ry,rz";
  }
  if (p.IsVector())
  {
    return ScalarType(p.tag) == "std::string" ? "a,b,..." : "v1,v2,...";
  }
  return p.tag;
}

class Writer
{
public:
  Writer(const ModuleDescription & d, std::string module, const std::string & xml, std::string xmlFileName)
    : m_D(d)
    , m_Module(std::move(module))
    , m_XML(xml)
    , m_XMLFileName(std::move(xmlFileName))
  {
    for (const auto * p : m_D.Parameters())
    {
      (p->HasIndex() ? m_Positional : m_Flagged).push_back(p);
    }
    std::stable_sort(m_Positional.begin(),
                     m_Positional.end(),
                     [](const ModuleParameter * a, const ModuleParameter * b)
                     { return ParseValue<int>(a->index, "index") < ParseValue<int>(b->index, "index"); });
  }

  std::string Write()
  {
    const std::string guard = m_Module + "CLP_h";
    o << "// " << m_Module << "CLP.h: the command line of " << m_Module << ", generated by SuperSpotGenerateCLP\n"
      << "// from " << m_XMLFileName << ". Do not edit: the XML is the single source of truth.\n"
      << "#ifndef " << guard << "\n#define " << guard << "\n\n"
      << "#include \"ssCommandLine.h\"\n\n"
      << "#include <tclap/CmdLine.h>\n\n"
      << "#include <iostream>\n#include <optional>\n#include <string>\n#include <utility>\n#include <vector>\n\n";
    WriteXML();
    WriteStruct();
    WriteParse();
    o << "#endif\n";
    return o.str();
  }

private:
  void WriteXML()
  {
    o << "/** " << m_XMLFileName << ", byte for byte: what --xml prints. */\n"
      << "inline const char * Get" << m_Module << "XML()\n{\n  return\n"
      << MultiLineLiteral(m_XML, "    ") << ";\n}\n\n";
  }

  void WriteStruct()
  {
    o << "/** The parameters of " << m_Module << " (" << CommentText(m_D.title) << "), one member per parameter of\n"
      << " * " << m_XMLFileName << ", initialised from its <default>. */\n"
      << "struct " << m_Module << "Parameters : public ss::CommandLineArguments\n{\n";
    for (const auto & g : m_D.groups)
    {
      o << "  // " << CommentText(g.label) << "\n";
      for (const auto & p : g.parameters)
      {
        o << "  /** " << CommentText(p.label) << " (" << (p.IsReturnParameter() ? "returned" : p.CommandLineName())
          << "): " << CommentText(p.description) << " */\n"
          << "  " << CPPTypeOf(p) << " " << p.name << " = " << Initializer(p) << ";\n";
      }
    }
    o << "\n  /** Every parameter as (name, value) in document order, values as --echo prints them. */\n"
      << "  std::vector<std::pair<std::string, std::string>> NameValues() const\n  {\n    return {";
    bool first = true;
    for (const auto * p : m_D.Parameters())
    {
      o << (first ? "" : ",") << "\n      { " << Literal(p->name) << ", ss::FormatValue(" << p->name << ") }";
      first = false;
    }
    o << (first ? "" : "\n    ") << "};\n  }\n\n"
      << "  /** What --echo prints (SEM's format). */\n"
      << "  void Echo(std::ostream & os) const { ss::EchoParameters(os, NameValues()); }\n\n"
      << "  /** Writes the return parameters (channel=\"output\", no flag, no index) as \"name = value\"\n"
      << "   * lines to --returnparameterfile, where Slicer reads them after the run. Set the members\n"
      << "   * first. Writes nothing without --returnparameterfile. */\n"
      << "  void WriteReturnParameters() const\n  {\n"
      << "    ss::WriteReturnParameterFile(returnParameterFile, {";
    first = true;
    for (const auto * p : m_D.Parameters())
    {
      if (p->IsReturnParameter())
      {
        o << (first ? "" : ",") << "\n      { " << Literal(p->name) << ", ss::FormatValue(" << p->name << ") }";
        first = false;
      }
    }
    o << (first ? "" : "\n    ") << "});\n  }\n};\n\n";
  }

  std::string ArgVariable(const ModuleParameter & p) const { return p.name + "_arg"; }

  /** The TCLAP template argument: the member's scalar type, or std::string for values
   * converted after parsing (vectors, points, aggregated geometry). */
  std::string TCLAPType(const ModuleParameter & p) const
  {
    if (ParsedFromText(p) || (p.tag == "geometry" && p.aggregate))
    {
      return "std::string";
    }
    return ScalarType(p.tag);
  }

  void WriteArgument(const ModuleParameter & p)
  {
    const std::string var = ArgVariable(p);
    const std::string type = TCLAPType(p);
    const std::string help = Literal(HelpText(p));
    const std::string typeDesc = Literal(TypeDescription(p));
    const std::string flag = Literal(p.flag);
    const std::string longFlag = Literal(p.longFlag);
    const std::string defaultValue = ParsedFromText(p) ? "std::string()" : "parameters." + p.name;
    if (p.tag == "boolean")
    {
      o << "    TCLAP::SwitchArg " << var << "(" << flag << ", " << longFlag << ", " << help
        << ", commandLine, false);\n";
      return;
    }
    std::string constraint;
    if (p.IsEnumeration())
    {
      o << "    const std::vector<" << type << "> " << p.name << "_allowed{";
      for (std::size_t i = 0; i < p.elements.size(); ++i)
      {
        o << (i ? ", " : "") << ValueLiteral(type, p.elements[i]);
      }
      o << "};\n    TCLAP::ValuesConstraint<" << type << "> " << p.name << "_constraint(" << p.name << "_allowed);\n";
      constraint = "&" + p.name + "_constraint";
    }
    if (p.HasIndex())
    {
      if (IsMultipleList(p))
      {
        // Required: an optional unlabeled argument sets TCLAP state that outlives this parse.
        o << "    TCLAP::UnlabeledMultiArg<" << type << "> " << var << "(" << Literal(p.name) << ", " << help
          << ", true, " << typeDesc << ", commandLine);\n";
      }
      else
      {
        o << "    TCLAP::UnlabeledValueArg<" << type << "> " << var << "(" << Literal(p.name) << ", " << help
          << ", true, " << defaultValue << ", " << (constraint.empty() ? typeDesc : constraint) << ", commandLine);\n";
      }
      return;
    }
    if (IsMultipleList(p))
    {
      o << "    TCLAP::MultiArg<" << type << "> " << var << "(" << flag << ", " << longFlag << ", " << help
        << ", false, " << typeDesc << ", commandLine);\n";
      return;
    }
    o << "    TCLAP::ValueArg<" << type << "> " << var << "(" << flag << ", " << longFlag << ", " << help << ", false, "
      << defaultValue << ", " << (constraint.empty() ? typeDesc : constraint) << ", commandLine);\n";
  }

  void WriteAssignment(const ModuleParameter & p)
  {
    const std::string var = ArgVariable(p);
    const std::string member = "parameters." + p.name;
    const std::string what = Literal(p.CommandLineName());
    o << "    if (" << var << ".isSet())\n    {\n";
    if (p.IsVector())
    {
      o << "      " << member << " = ss::ParseList<" << ScalarType(p.tag) << ">(" << var << ".getValue(), " << what
        << ");\n";
    }
    else if (p.IsPointLike())
    {
      const std::string n = p.tag == "point" ? "3" : "6";
      if (p.multiple)
      {
        o << "      " << member << ".clear();\n"
          << "      for (const auto & text : " << var << ".getValue())\n      {\n"
          << "        " << member << ".push_back(ss::ParsePoint(text, " << n << ", " << what << "));\n      }\n";
      }
      else
      {
        o << "      " << member << " = ss::ParsePoint(" << var << ".getValue(), " << n << ", " << what << ");\n";
      }
    }
    else
    {
      o << "      " << member << " = " << var << ".getValue();\n";
    }
    o << "    }\n";
  }

  void WriteRangeCheck(const ModuleParameter & p)
  {
    if (!(p.hasMinimum || p.hasMaximum) || !p.IsNumeric() || p.IsEnumeration())
    {
      return;
    }
    o << "    ss::CheckRange(parameters." << p.name << ", " << (p.hasMinimum ? "true" : "false") << ", "
      << (p.hasMinimum ? NumberLiteral("double", p.minimum) : "0.0") << ", " << (p.hasMaximum ? "true" : "false")
      << ", " << (p.hasMaximum ? NumberLiteral("double", p.maximum) : "0.0") << ", " << Literal(p.CommandLineName())
      << ", " << Literal(m_XMLFileName) << ");\n";
  }

  void WriteParse()
  {
    std::string about = m_D.title.empty() ? m_Module : m_D.title;
    if (!m_D.description.empty())
    {
      about += ": " + m_D.description;
    }
    if (!m_D.contributor.empty())
    {
      about += "\nAuthor(s): " + m_D.contributor;
    }
    const std::string module = Literal(m_Module);
    o << "/** Parses the command line of " << m_Module << " into `parameters`.\n"
      << " * Returns std::nullopt when the module should run; otherwise the exit code to return now:\n"
      << " * 0 after --xml (checked first, before anything else is built), --help or --version,\n"
      << " * 1 after an error, which is printed as one line on standard error. --echo prints every\n"
      << " * parameter's value on standard output after a successful parse. */\n"
      << "inline std::optional<int> Parse" << m_Module << "(int argc, char ** argv, " << m_Module
      << "Parameters & parameters)\n{\n"
      << "  if (ss::ArgumentsRequestXML(argc, argv))\n  {\n"
      << "    std::cout << Get" << m_Module << "XML() << std::flush;\n    return 0;\n  }\n"
      << "  try\n  {\n"
      << "    TCLAP::CmdLine commandLine(" << Literal(about) << ", ' ', "
      << Literal(m_D.version.empty() ? "unknown" : m_D.version) << ", true);\n"
      << "    // --help and --version throw TCLAP::ExitException instead of calling exit(), so\n"
      << "    // the module can run in-process (its tests call the entry point directly).\n"
      << "    commandLine.setExceptionHandling(false);\n"
      << "    TCLAP::SwitchArg builtin_xml(\"\", \"xml\", \"Print the module's XML description (Slicer Execution "
         "Model) and exit\", "
         "commandLine, false);\n"
      << "    TCLAP::SwitchArg builtin_echo(\"\", \"echo\", \"Print every parameter's value before running\", "
         "commandLine, false);\n"
      << "    TCLAP::ValueArg<std::string> builtin_returnparameterfile(\"\", \"returnparameterfile\", "
         "\"File in which to write the simple return parameters (name = value lines)\", false, \"\", \"file\", "
         "commandLine);\n"
      << "    TCLAP::ValueArg<std::string> builtin_processinformationaddress(\"\", \"processinformationaddress\", "
         "\"Accepted for Slicer's shared-object modules and ignored\", false, \"\", \"address\", commandLine);\n";
    for (const auto * p : m_Flagged)
    {
      if (!p->IsReturnParameter())
      {
        WriteArgument(*p);
      }
    }
    for (const auto * p : m_Positional)
    {
      WriteArgument(*p);
    }
    o << "    std::vector<std::string> arguments(argv, argv + argc);\n"
      << "    commandLine.parse(arguments);\n"
      << "    parameters.echo = builtin_echo.getValue();\n"
      << "    parameters.returnParameterFile = builtin_returnparameterfile.getValue();\n"
      << "    parameters.processInformationAddress = builtin_processinformationaddress.getValue();\n";
    for (const auto * p : m_D.Parameters())
    {
      if (!p->IsReturnParameter())
      {
        WriteAssignment(*p);
      }
    }
    for (const auto * p : m_Positional)
    {
      o << "    ss::CheckPositional(parameters." << p->name << ", " << Literal(p->name) << ");\n";
    }
    for (const auto * p : m_D.Parameters())
    {
      if (!p->IsReturnParameter())
      {
        WriteRangeCheck(*p);
      }
    }
    o << "  }\n"
      << "  catch (const TCLAP::ExitException & e)\n  {\n    return e.getExitStatus();\n  }\n"
      << "  catch (const TCLAP::ArgException & e)\n  {\n"
      << "    const std::string argument = e.argId() == \" \" ? std::string() : \" (\" + e.argId() + \")\";\n"
      << "    std::cerr << " << module << " << \": \" << e.error() << argument << \". Fix: see \" << " << module
      << " << \" --help\" << std::endl;\n"
      << "    return 1;\n  }\n"
      << "  catch (const ss::CommandLineError & e)\n  {\n"
      << "    std::cerr << " << module << " << \": \" << e.what() << std::endl;\n    return 1;\n  }\n"
      << "  if (parameters.echo)\n  {\n    parameters.Echo(std::cout);\n  }\n"
      << "  return std::nullopt;\n}\n\n";
  }

  const ModuleDescription & m_D;
  std::string m_Module;
  const std::string & m_XML;
  std::string m_XMLFileName;
  std::vector<const ModuleParameter *> m_Flagged, m_Positional;
  std::ostringstream o;
};

} // namespace

std::string CPPTypeOf(const ModuleParameter & p)
{
  const std::string scalar = ScalarType(p.tag);
  if (p.IsVector())
  {
    return "std::vector<" + scalar + ">";
  }
  if (p.IsPointLike())
  {
    return p.multiple ? "std::vector<std::vector<float>>" : "std::vector<float>";
  }
  return IsMultipleList(p) ? "std::vector<" + scalar + ">" : scalar;
}

std::string GenerateCLPHeader(const ModuleDescription & description,
                              const std::string & moduleName,
                              const std::string & xml,
                              const std::string & xmlFileName)
{
  if (!IsValidIdentifier(moduleName))
  {
    throw std::invalid_argument("GenerateCLPHeader: module name '" + moduleName + "' is not a C identifier");
  }
  return Writer(description, moduleName, xml, xmlFileName).Write();
}

} // namespace ss
