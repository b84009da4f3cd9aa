#include "ssCommandLine.h"
#include "ssModuleDescription.h"
#include "ssModuleDescriptionInternal.h"

#include <algorithm>
#include <map>
#include <set>

namespace ss
{

namespace
{
using detail::AddProblem;

class Checker
{
public:
  Checker(const ModuleDescription & description, std::string source)
    : m_Description(description)
    , m_Source(std::move(source))
  {
  }

  std::vector<ModuleDescriptionProblem> Run()
  {
    CheckHeader();
    for (const auto * p : m_Description.Parameters())
    {
      CheckParameter(*p);
    }
    CheckIndices();
    return m_Problems;
  }

private:
  void Add(const std::string & rule,
           int line,
           const std::string & where,
           const std::string & problem,
           const std::string & fix)
  {
    AddProblem(m_Problems, rule, m_Source, line, where, problem, fix);
  }

  /** Problems of the parameter being checked are reported at its line. */
  void Add(const std::string & rule, const std::string & where, const std::string & problem, const std::string & fix)
  {
    Add(rule, m_Line, where, problem, fix);
  }

  void CheckHeader()
  {
    if (m_Description.title.empty())
    {
      Add("missing-element",
          "<executable>",
          "<title> is missing or empty",
          "add a <title>: Slicer lists the module under it");
    }
    if (m_Description.description.empty())
    {
      Add("missing-element",
          "<executable>",
          "<description> is missing or empty",
          "add a <description> of what the module does");
    }
    if (m_Description.groups.empty())
    {
      Add(
        "missing-element", "<executable>", "there is no <parameters> group", "describe the parameters in <parameters>");
    }
    for (std::size_t i = 0; i < m_Description.groups.size(); ++i)
    {
      if (m_Description.groups[i].label.empty())
      {
        Add("missing-element",
            m_Description.groups[i].line,
            "<parameters> #" + std::to_string(i + 1),
            "the group has no <label>",
            "add a <label>: Slicer shows it as the title of the group's panel");
      }
    }
  }

  void CheckParameter(const ModuleParameter & p)
  {
    m_Line = p.line;
    const std::string where = p.Describe();
    for (const auto & [field, value] : std::vector<std::pair<const char *, const std::string *>>{
           { "name", &p.name }, { "label", &p.label }, { "description", &p.description } })
    {
      if (value->empty())
      {
        Add("missing-element",
            where,
            std::string("<") + field + "> is missing or empty",
            std::string("add a <") + field + ">");
      }
    }
    CheckNamesAndFlags(p, where);
    CheckChannel(p, where);
    CheckReachability(p, where);
    CheckDefault(p, where);
    CheckEnumeration(p, where);
    CheckConstraints(p, where);
  }

  void CheckNamesAndFlags(const ModuleParameter & p, const std::string & where)
  {
    const auto & reservedNames = ReservedParameterNames();
    if (!p.name.empty())
    {
      if (std::find(reservedNames.begin(), reservedNames.end(), p.name) != reservedNames.end())
      {
        Add("reserved-name",
            where,
            "the name '" + p.name + "' is a C++ keyword or a member every generated parser already has",
            "choose another <name>");
      }
      if (!m_Names.emplace(p.name, where).second)
      {
        Add("duplicate-name",
            where,
            "the name '" + p.name + "' is also used by " + m_Names.at(p.name),
            "give each parameter its own <name>");
      }
    }
    const auto & reservedLong = ReservedLongFlags();
    const auto & reservedShort = ReservedFlags();
    if (!p.longFlag.empty())
    {
      if (std::find(reservedLong.begin(), reservedLong.end(), p.longFlag) != reservedLong.end())
      {
        Add("reserved-flag",
            where,
            "--" + p.longFlag + " is defined by every SuperSpot CLI module",
            "choose another <longflag>");
      }
      else if (!m_LongFlags.emplace(p.longFlag, where).second)
      {
        Add("duplicate-longflag",
            where,
            "--" + p.longFlag + " is also the long flag of " + m_LongFlags.at(p.longFlag),
            "give each parameter its own <longflag>");
      }
    }
    if (!p.flag.empty() && p.longFlag.empty())
    {
      Add("missing-longflag",
          where,
          "-" + p.flag + " has no <longflag>: TCLAP names every option, and two options without one collide",
          "add a <longflag> (the -" + p.flag + " flag stays)");
    }
    if (!p.flag.empty())
    {
      if (std::find(reservedShort.begin(), reservedShort.end(), p.flag) != reservedShort.end())
      {
        Add("reserved-flag",
            where,
            "-" + p.flag + " is defined by every SuperSpot CLI module (-h is --help)",
            "choose another <flag>");
      }
      else if (!m_Flags.emplace(p.flag, where).second)
      {
        Add("duplicate-flag",
            where,
            "-" + p.flag + " is also the flag of " + m_Flags.at(p.flag),
            "give each parameter its own <flag>");
      }
    }
  }

  void CheckChannel(const ModuleParameter & p, const std::string & where)
  {
    if (!p.channel.empty() && p.channel != "input" && p.channel != "output")
    {
      Add("invalid-channel",
          where,
          "<channel> '" + p.channel + "' is neither input nor output",
          "write <channel>input</channel> or <channel>output</channel>");
    }
    else if (p.channel.empty() && p.IsFileLike())
    {
      Add("missing-channel",
          where,
          "<" + p.tag + "> needs a <channel>: Slicer writes inputs before the run and loads outputs after it",
          "add <channel>input</channel> or <channel>output</channel>");
    }
  }

  void CheckReachability(const ModuleParameter & p, const std::string & where)
  {
    if (p.HasIndex())
    {
      try
      {
        m_Indices.emplace_back(ParseValue<int>(p.index, "<index>"), &p);
      }
      catch (const CommandLineError &)
      {
        // The parser has reported the invalid index.
      }
    }
    if (p.channel == "output" && !p.IsFileLike() && (p.HasFlag() || p.HasIndex()))
    {
      Add("output-with-flag",
          where,
          "a simple output (channel output on <" + p.tag +
            ">) is returned through --returnparameterfile, so it cannot have a flag or an index",
          "remove its <flag>, <longflag> and <index>, or make it an input");
    }
    else if (!p.HasFlag() && !p.HasIndex() && !p.IsReturnParameter())
    {
      Add("no-flag-or-index",
          where,
          "the parameter has no <flag>, <longflag> or <index>, so it cannot be given on the command line",
          "add a <longflag>, or an <index> for a positional parameter");
    }
    if (p.tag == "boolean" && p.HasIndex())
    {
      Add("boolean-needs-flag",
          where,
          "a boolean is a switch (present = true) and cannot be positional",
          "give it a <flag> or <longflag> instead of an <index>");
    }
  }

  template<typename T>
  bool Parses(const std::string & text, std::string & error)
  {
    try
    {
      ParseValue<T>(text, "value");
      return true;
    }
    catch (const CommandLineError & e)
    {
      error = e.what();
      return false;
    }
  }

  template<typename T>
  bool ParsesList(const std::string & text, std::size_t requiredSize, std::string & error)
  {
    try
    {
      const auto values = ParseList<T>(text, "value");
      if (requiredSize && values.size() != requiredSize)
      {
        error = std::to_string(values.size()) + " values where " + std::to_string(requiredSize) + " are needed";
        return false;
      }
      return true;
    }
    catch (const CommandLineError & e)
    {
      error = e.what();
      return false;
    }
  }

  /** True when `text` is a valid value of the parameter's type; `error` says why not. */
  bool ValidValue(const ModuleParameter & p, const std::string & text, std::string & error)
  {
    const std::string & t = p.tag;
    if (t == "integer" || t == "integer-enumeration")
    {
      return Parses<int>(text, error);
    }
    if (t == "float" || t == "double" || t == "float-enumeration" || t == "double-enumeration")
    {
      return Parses<double>(text, error);
    }
    if (t == "boolean")
    {
      return Parses<bool>(text, error);
    }
    if (t == "integer-vector")
    {
      return ParsesList<int>(text, 0, error);
    }
    if (t == "float-vector" || t == "double-vector")
    {
      return ParsesList<double>(text, 0, error);
    }
    if (t == "point")
    {
      return ParsesList<double>(text, 3, error);
    }
    if (t == "region")
    {
      return ParsesList<double>(text, 6, error);
    }
    return true;
  }

  void CheckDefault(const ModuleParameter & p, const std::string & where)
  {
    if (!p.hasDefault || p.IsEnumeration())
    {
      return;
    }
    if (p.multiple && !p.aggregate)
    {
      Add("default-on-multiple",
          where,
          "a <default> on a multiple=\"true\" parameter is ignored by SEM (the list starts empty)",
          "remove the <default>");
      return;
    }
    std::string error;
    if (!ValidValue(p, p.defaultValue, error))
    {
      Add("invalid-default",
          where,
          "<default> '" + p.defaultValue + "' is not a valid <" + p.tag + ">: " + error,
          "write a value of the parameter's type");
      return;
    }
    if (p.tag == "boolean" && p.defaultValue == "true")
    {
      Add("boolean-default-true",
          where,
          "a boolean is a switch that Slicer passes only when checked, so a default of true could never be turned off",
          "invert its meaning (e.g. noSmoothing, default false)");
    }
  }

  void CheckEnumeration(const ModuleParameter & p, const std::string & where)
  {
    if (!p.IsEnumeration())
    {
      return;
    }
    if (p.elements.empty())
    {
      Add(
        "enumeration-empty", where, "the enumeration has no <element>", "list the allowed values, one <element> each");
      return;
    }
    std::set<std::string> seen;
    for (const auto & e : p.elements)
    {
      std::string error;
      if (!ValidValue(p, e, error))
      {
        Add("enumeration-element",
            where,
            "<element> '" + e + "' is not a valid value: " + error,
            "write values of the enumeration's type");
      }
      else if (!seen.insert(NormalizedElement(p, e)).second)
      {
        Add("enumeration-element", where, "<element> '" + e + "' is listed twice", "list each value once");
      }
    }
    if (p.hasDefault)
    {
      std::string error;
      if (!ValidValue(p, p.defaultValue, error) || !seen.count(NormalizedElement(p, p.defaultValue)))
      {
        Add("enumeration-default",
            where,
            "<default> '" + p.defaultValue + "' is not one of the <element> values",
            "make the default one of the elements");
      }
    }
  }

  /** Elements compare as values: "1.0" and "1" are the same float. */
  std::string NormalizedElement(const ModuleParameter & p, const std::string & text)
  {
    try
    {
      if (p.tag == "integer-enumeration")
      {
        return FormatValue(ParseValue<int>(text, "element"));
      }
      if (p.tag == "float-enumeration" || p.tag == "double-enumeration")
      {
        return FormatValue(ParseValue<double>(text, "element"));
      }
    }
    catch (const CommandLineError &)
    {
    }
    return text;
  }

  void CheckConstraints(const ModuleParameter & p, const std::string & where)
  {
    if (!p.hasConstraints || !p.IsNumeric() || p.IsEnumeration())
    {
      return;
    }
    double minimum = 0, maximum = 0, step = 0;
    bool numbersOk = true;
    const auto number = [&](bool present, const std::string & text, const char * what, double & value)
    {
      if (!present)
      {
        return;
      }
      try
      {
        value = ParseValue<double>(text, what);
      }
      catch (const CommandLineError &)
      {
        numbersOk = false;
        Add("constraint-number", where, std::string("<") + what + "> '" + text + "' is not a number", "write a number");
      }
    };
    number(p.hasMinimum, p.minimum, "minimum", minimum);
    number(p.hasMaximum, p.maximum, "maximum", maximum);
    number(p.hasStep, p.step, "step", step);
    if (!numbersOk)
    {
      return;
    }
    if (p.hasMinimum && p.hasMaximum && minimum > maximum)
    {
      Add("constraint-range", where, "<minimum> " + p.minimum + " is above <maximum> " + p.maximum, "swap them");
    }
    if (p.hasStep && step <= 0)
    {
      Add("constraint-step",
          where,
          "<step> " + p.step + " is not positive",
          "give the slider increment as a positive number");
    }
    if (p.hasDefault && !p.multiple)
    {
      std::vector<double> defaults;
      try
      {
        defaults = ParseList<double>(p.defaultValue, "default");
      }
      catch (const CommandLineError &)
      {
        return; // reported as invalid-default
      }
      for (const double v : defaults)
      {
        if ((p.hasMinimum && v < minimum) || (p.hasMaximum && v > maximum))
        {
          Add("constraint-range",
              where,
              "<default> " + p.defaultValue + " is outside [" + (p.hasMinimum ? p.minimum : "-inf") + ", " +
                (p.hasMaximum ? p.maximum : "inf") + "]",
              "make the default satisfy the constraints");
          break;
        }
      }
    }
  }

  void CheckIndices()
  {
    std::sort(m_Indices.begin(), m_Indices.end(), [](const auto & a, const auto & b) { return a.first < b.first; });
    for (std::size_t i = 1; i < m_Indices.size(); ++i)
    {
      if (m_Indices[i].first == m_Indices[i - 1].first)
      {
        Add("duplicate-index",
            m_Indices[i].second->line,
            m_Indices[i].second->Describe(),
            "<index> " + std::to_string(m_Indices[i].first) + " is also the index of " +
              m_Indices[i - 1].second->Describe(),
            "number positional parameters 0, 1, 2, ... without repeats");
      }
    }
    int expected = 0;
    for (std::size_t i = 0; i < m_Indices.size(); ++i)
    {
      if (i > 0 && m_Indices[i].first == m_Indices[i - 1].first)
      {
        continue;
      }
      if (m_Indices[i].first != expected)
      {
        Add("index-gap",
            m_Indices[i].second->line,
            m_Indices[i].second->Describe(),
            "<index> " + std::to_string(m_Indices[i].first) + " follows a gap: index " + std::to_string(expected) +
              " is missing",
            "number positional parameters 0, 1, 2, ... without gaps");
        break;
      }
      ++expected;
    }
    for (std::size_t i = 0; i + 1 < m_Indices.size(); ++i)
    {
      if (m_Indices[i].second->multiple && m_Indices[i].first != m_Indices.back().first)
      {
        Add(
          "multiple-positional-not-last",
          m_Indices[i].second->line,
          m_Indices[i].second->Describe(),
          "a positional multiple=\"true\" parameter takes every remaining argument, so it must have the highest index",
          "give it the last index, or a flag");
      }
    }
  }

  const ModuleDescription & m_Description;
  std::string m_Source;
  std::vector<ModuleDescriptionProblem> m_Problems;
  std::map<std::string, std::string> m_Names, m_Flags, m_LongFlags;
  std::vector<std::pair<int, const ModuleParameter *>> m_Indices;
  int m_Line = 0;
};
} // namespace

std::vector<ModuleDescriptionProblem> CheckModuleDescription(const ModuleDescription & description,
                                                             const std::string & source)
{
  return Checker(description, source).Run();
}

} // namespace ss
