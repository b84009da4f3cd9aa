#include "ssModuleDescription.h"

#include <algorithm>

namespace ss
{

namespace
{
bool OneOf(const std::string & s, std::initializer_list<const char *> values)
{
  return std::any_of(values.begin(), values.end(), [&](const char * v) { return s == v; });
}
} // namespace

bool ModuleParameter::IsEnumeration() const
{
  return OneOf(tag, { "string-enumeration", "integer-enumeration", "float-enumeration", "double-enumeration" });
}

bool ModuleParameter::IsVector() const
{
  return OneOf(tag, { "integer-vector", "float-vector", "double-vector", "string-vector" });
}

bool ModuleParameter::IsPointLike() const
{
  return OneOf(tag, { "point", "region" });
}

bool ModuleParameter::IsFileLike() const
{
  return OneOf(tag, { "image", "file", "directory", "transform", "geometry", "table", "measurement", "pointfile" });
}

bool ModuleParameter::IsNumeric() const
{
  return OneOf(tag,
               { "integer",
                 "float",
                 "double",
                 "integer-vector",
                 "float-vector",
                 "double-vector",
                 "integer-enumeration",
                 "float-enumeration",
                 "double-enumeration" });
}

bool ModuleParameter::IsReturnParameter() const
{
  return channel == "output" && !IsFileLike() && !HasFlag() && !HasIndex();
}

std::string ModuleParameter::CommandLineName() const
{
  if (!longFlag.empty())
  {
    return "--" + longFlag;
  }
  if (!flag.empty())
  {
    return "-" + flag;
  }
  return "<" + name + ">";
}

std::string ModuleParameter::Describe() const
{
  std::string d = name.empty() ? "unnamed parameter" : "parameter '" + name + "'";
  d += " (<" + tag + ">";
  if (!group.empty())
  {
    d += " in group '" + group + "'";
  }
  return d + ")";
}

std::vector<const ModuleParameter *> ModuleDescription::Parameters() const
{
  std::vector<const ModuleParameter *> all;
  for (const auto & g : groups)
  {
    for (const auto & p : g.parameters)
    {
      all.push_back(&p);
    }
  }
  return all;
}

const std::vector<std::string> & ReservedLongFlags()
{
  // GenerateCLP's own arguments, TCLAP's --help/--version and its "--" (ignore the rest).
  static const std::vector<std::string> flags{ "xml",  "echo",    "returnparameterfile", "processinformationaddress",
                                               "help", "version", "ignore_rest" };
  return flags;
}

const std::vector<std::string> & ReservedFlags()
{
  static const std::vector<std::string> flags{ "h" };
  return flags;
}

const std::vector<std::string> & ReservedParameterNames()
{
  // Members and functions of the generated <Name>Parameters (and its base
  // ss::CommandLineArguments), and C++ keywords: a parameter becomes a C++ member.
  // clang-format off
  static const std::vector<std::string> names{
    "echo", "returnParameterFile", "processInformationAddress", "WriteReturnParameters", "Echo", "NameValues",
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
    "char", "char16_t", "char32_t", "char8_t", "class", "compl", "concept", "const", "const_cast", "consteval",
    "constexpr", "constinit", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
    "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
    "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq"
  };
  // clang-format on
  return names;
}

bool IsValidIdentifier(const std::string & s)
{
  if (s.empty())
  {
    return false;
  }
  const auto isAlpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  const auto isAlnum = [&](char c) { return isAlpha(c) || (c >= '0' && c <= '9'); };
  return isAlpha(s[0]) && std::all_of(s.begin() + 1, s.end(), isAlnum);
}

} // namespace ss
