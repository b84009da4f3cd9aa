#include "ssModuleDescription.h"
#include "ssModuleDescriptionInternal.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace ss
{

namespace
{
using detail::AddProblem;
using detail::Trim;

/** An element of the document as the rules need it: libxml2's tree, reduced. */
struct Element
{
  std::string name;
  int line = 0;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text; ///< character data directly inside (CDATA included)
  std::vector<Element> children;
};

Element Reduce(const xmlNode * node)
{
  Element e;
  e.name = reinterpret_cast<const char *>(node->name);
  e.line = static_cast<int>(xmlGetLineNo(node));
  for (const xmlAttr * a = node->properties; a; a = a->next)
  {
    xmlChar * value = xmlNodeListGetString(node->doc, a->children, 1);
    e.attributes.emplace_back(reinterpret_cast<const char *>(a->name),
                              value ? reinterpret_cast<const char *>(value) : "");
    xmlFree(value);
  }
  for (const xmlNode * c = node->children; c; c = c->next)
  {
    if (c->type == XML_ELEMENT_NODE)
    {
      e.children.push_back(Reduce(c));
    }
    else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
    {
      e.text += reinterpret_cast<const char *>(c->content);
    }
  }
  return e;
}

/** What SEM's ModuleDescriptionParser accepts on each parameter element: the attribute
 * names, and for some of them the only values it takes (an empty list: any value). */
struct AttributeRule
{
  const char * name;
  std::vector<std::string> values;
};

const std::vector<std::string> TrueFalse{ "true", "false" };
const std::vector<std::string> CoordinateSystems{ "ijk", "lps", "ras" };

const std::map<std::string, std::vector<AttributeRule>> & ParameterAttributes()
{
  static const std::map<std::string, std::vector<AttributeRule>> rules{
    { "integer", { { "multiple", TrueFalse } } },
    { "float", { { "multiple", TrueFalse } } },
    { "double", { { "multiple", TrueFalse } } },
    { "string", { { "multiple", TrueFalse } } },
    { "directory", { { "multiple", TrueFalse } } },
    { "boolean", { { "hidden", TrueFalse } } },
    { "integer-vector", {} },
    { "float-vector", {} },
    { "double-vector", {} },
    { "string-vector", {} },
    { "point", { { "multiple", TrueFalse }, { "coordinateSystem", CoordinateSystems } } },
    { "region", { { "multiple", TrueFalse }, { "coordinateSystem", CoordinateSystems } } },
    { "pointfile", { { "multiple", TrueFalse }, { "fileExtensions", {} }, { "coordinateSystem", CoordinateSystems } } },
    { "string-enumeration", { { "hidden", TrueFalse } } },
    { "integer-enumeration", { { "hidden", TrueFalse } } },
    { "float-enumeration", { { "hidden", TrueFalse } } },
    { "double-enumeration", { { "hidden", TrueFalse } } },
    { "file", { { "multiple", TrueFalse }, { "fileExtensions", {} } } },
    { "transform",
      { { "multiple", TrueFalse },
        { "type", { "linear", "nonlinear", "bspline" } },
        { "fileExtensions", {} },
        { "reference", {} } } },
    { "image",
      { { "multiple", TrueFalse },
        { "type", { "any", "scalar", "label", "tensor", "diffusion-weighted", "vector" } },
        { "fileExtensions", {} },
        { "hidden", TrueFalse },
        { "reference", {} } } },
    { "geometry",
      { { "multiple", TrueFalse },
        { "aggregate", TrueFalse },
        { "type", { "fiberbundle", "model" } },
        { "fileExtensions", {} } } },
    { "table",
      { { "multiple", TrueFalse },
        { "reference", {} },
        { "hidden", TrueFalse },
        { "type", { "color" } },
        { "fileExtensions", {} } } },
    { "measurement",
      { { "multiple", TrueFalse },
        { "reference", {} },
        { "hidden", TrueFalse },
        { "type", {} },
        { "fileExtensions", {} } } },
  };
  return rules;
}

const std::set<std::string> HeaderElements{ "category",          "index",   "title",       "description",     "version",
                                            "documentation-url", "license", "contributor", "acknowledgements" };
const std::set<std::string> ParameterChildren{ "name",    "flag",    "longflag", "label",       "description",
                                               "default", "channel", "index",    "constraints", "element" };
const std::set<std::string> ConstraintChildren{ "minimum", "maximum", "step" };

std::string Join(const std::vector<std::string> & values)
{
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i)
  {
    s += (i == 0 ? "" : (i + 1 == values.size() ? " or " : ", ")) + values[i];
  }
  return s;
}

/** libxml2 goes on after the first error and keeps the last one; the first is the one to fix. */
struct FirstError
{
  bool set = false;
  int line = 0;
  std::string message;
};

void KeepFirstError(void * userData, xmlErrorPtr error)
{
  // The parser context passes itself as user data; its _private holds our FirstError.
  auto * first = static_cast<FirstError *>(static_cast<xmlParserCtxtPtr>(userData)->_private);
  if (first && !first->set && error && error->level >= XML_ERR_ERROR)
  {
    first->set = true;
    first->line = error->line;
    first->message = error->message ? Trim(error->message) : "unknown error";
  }
}

class Parser
{
public:
  Parser(std::string source, std::vector<ModuleDescriptionProblem> & problems)
    : m_Source(std::move(source))
    , m_Problems(problems)
  {
  }

  ModuleDescription Parse(const std::string & xml)
  {
    ModuleDescription description;
    // No network, no entity expansion (XML external entities stay out), no messages
    // printed by libxml2 itself: the first error is read back from the context.
    const std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxtPtr)> context(xmlNewParserCtxt(), xmlFreeParserCtxt);
    if (!context)
    {
      throw std::bad_alloc();
    }
    FirstError first;
    context->_private = &first;
    context->sax->serror = KeepFirstError;
    const std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> document(
      xmlCtxtReadMemory(context.get(),
                        xml.data(),
                        static_cast<int>(xml.size()),
                        m_Source.c_str(),
                        nullptr,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
    if (!document || first.set)
    {
      Add("not-well-formed",
          first.line,
          "document",
          "the XML does not parse: " + (first.set ? first.message : std::string("unknown error")),
          "correct the XML syntax (xmllint --noout shows the same error)");
      return description;
    }
    const xmlNode * root = xmlDocGetRootElement(document.get());
    if (!root || std::string(reinterpret_cast<const char *>(root->name)) != "executable")
    {
      Add("root-not-executable",
          root ? static_cast<int>(xmlGetLineNo(root)) : 0,
          root ? "<" + std::string(reinterpret_cast<const char *>(root->name)) + ">" : "document",
          "the root element must be <executable>",
          "write the whole description inside one <executable>");
      return description;
    }
    ParseExecutable(Reduce(root), description);
    return description;
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

  /** Leaf elements (<title>, <name>, <minimum>...) hold text only. */
  std::string Text(const Element & e, const std::string & where)
  {
    if (!e.attributes.empty())
    {
      Add("invalid-attribute", e.line, where, "<" + e.name + "> takes no attributes", "remove them");
    }
    for (const auto & child : e.children)
    {
      Add("unknown-element",
          child.line,
          where,
          "<" + child.name + "> is not allowed inside <" + e.name + ">",
          "<" + e.name + "> holds text only");
    }
    return Trim(e.text);
  }

  void ParseExecutable(const Element & executable, ModuleDescription & d)
  {
    if (!executable.attributes.empty())
    {
      Add("invalid-attribute", executable.line, "<executable>", "<executable> takes no attributes", "remove them");
    }
    std::set<std::string> seen;
    const std::map<std::string, std::string *> fields{ { "category", &d.category },
                                                       { "index", &d.index },
                                                       { "title", &d.title },
                                                       { "description", &d.description },
                                                       { "version", &d.version },
                                                       { "documentation-url", &d.documentationURL },
                                                       { "license", &d.license },
                                                       { "contributor", &d.contributor },
                                                       { "acknowledgements", &d.acknowledgements } };
    for (const auto & child : executable.children)
    {
      if (child.name == "parameters")
      {
        ParseGroup(child, d);
      }
      else if (fields.count(child.name))
      {
        if (!seen.insert(child.name).second)
        {
          Add(
            "duplicate-element", child.line, "<executable>", "<" + child.name + "> appears more than once", "keep one");
        }
        *fields.at(child.name) = Text(child, "<executable>");
      }
      else if (ParameterAttributes().count(child.name))
      {
        Add("misplaced-element",
            child.line,
            "<executable>",
            "<" + child.name + "> can only be used inside <parameters>",
            "move it into a <parameters> group");
      }
      else
      {
        Add("unknown-element",
            child.line,
            "<executable>",
            "<" + child.name + "> is not a module description element",
            "remove it or correct its name");
      }
    }
    if (!d.index.empty() && d.index.find_first_not_of("0123456789") != std::string::npos)
    {
      Add("invalid-index",
          executable.line,
          "<executable>",
          "<index> '" + d.index + "' is not a non-negative integer",
          "give the module's position in its category as 0, 1, 2, ...");
    }
  }

  void ParseGroup(const Element & node, ModuleDescription & d)
  {
    ModuleParameterGroup group;
    group.line = node.line;
    // The label may follow the parameters (it does in Slicer's GaussianBlurImageFilter.xml),
    // so read it first: messages about the parameters name their group.
    bool hasLabel = false, hasDescription = false;
    for (const auto & child : node.children)
    {
      if (child.name == "label" || child.name == "description")
      {
        bool & has = child.name == "label" ? hasLabel : hasDescription;
        if (has)
        {
          Add("duplicate-element",
              child.line,
              "<parameters>",
              "<" + child.name + "> appears more than once in a group",
              "keep one");
        }
        has = true;
        (child.name == "label" ? group.label : group.description) = Text(child, "<parameters>");
      }
    }
    const std::string where = group.label.empty() ? "<parameters>" : "group '" + group.label + "'";
    for (const auto & [attribute, value] : node.attributes)
    {
      if (attribute != "advanced")
      {
        Add("invalid-attribute",
            node.line,
            where,
            "\"" + attribute + "\" is not an attribute of <parameters>",
            "only advanced is");
      }
      else if (Trim(value) != "true" && Trim(value) != "false")
      {
        Add("invalid-attribute-value",
            node.line,
            where,
            "advanced=\"" + value + "\" is neither true nor false",
            "write advanced=\"true\" or advanced=\"false\"");
      }
      else
      {
        group.advanced = Trim(value) == "true";
      }
    }
    for (const auto & child : node.children)
    {
      if (child.name == "label" || child.name == "description")
      {
        continue;
      }
      if (ParameterAttributes().count(child.name))
      {
        group.parameters.push_back(ParseParameter(child, group.label));
      }
      else if (child.name == "parameters" || ParameterChildren.count(child.name) || HeaderElements.count(child.name))
      {
        Add("misplaced-element",
            child.line,
            where,
            "<" + child.name + "> cannot be used directly inside <parameters>",
            "move it where it belongs");
      }
      else
      {
        Add("unknown-element",
            child.line,
            where,
            "<" + child.name + "> is not a parameter type",
            "use one of Slicer's parameter elements (integer, double, image, ...)");
      }
    }
    d.groups.push_back(std::move(group));
  }

  ModuleParameter ParseParameter(const Element & node, const std::string & groupLabel)
  {
    ModuleParameter p;
    p.tag = node.name;
    p.group = groupLabel;
    p.line = node.line;
    // The name first: every message about the parameter names it.
    for (const auto & child : node.children)
    {
      if (child.name == "name")
      {
        p.name = Trim(child.text);
      }
    }
    const std::string where = p.Describe();
    std::set<std::string> seen;
    for (const auto & child : node.children)
    {
      const std::string & key = child.name;
      if (!ParameterChildren.count(key))
      {
        if (ParameterAttributes().count(key) || key == "parameters" || HeaderElements.count(key))
        {
          Add("misplaced-element", child.line, where, "<" + key + "> cannot be used inside a parameter", "move it out");
        }
        else
        {
          Add("unknown-element",
              child.line,
              where,
              "<" + key + "> is not a parameter element",
              "remove it or correct its name");
        }
        continue;
      }
      if (key != "element" && !seen.insert(key).second)
      {
        Add("duplicate-element", child.line, where, "<" + key + "> appears more than once", "keep one");
      }
      if (key == "constraints")
      {
        ParseConstraints(child, p, where);
      }
      else if (key == "flag" || key == "longflag")
      {
        ParseFlag(child, p, where);
      }
      else if (key == "element")
      {
        if (!p.IsEnumeration())
        {
          Add("misplaced-element",
              child.line,
              where,
              "<element> belongs to enumerations only",
              "use a string-enumeration, or remove it");
        }
        p.elements.push_back(Text(child, where));
      }
      else
      {
        const std::string text = Text(child, where);
        if (key == "name")
        {
          if (!IsValidIdentifier(text))
          {
            Add("invalid-name",
                child.line,
                where,
                "<name> '" + text + "' is not a C identifier",
                "use letters, digits and underscores, starting with a letter or underscore");
          }
        }
        else if (key == "label")
        {
          p.label = text;
        }
        else if (key == "description")
        {
          p.description = text;
        }
        else if (key == "default")
        {
          p.defaultValue = text;
          p.hasDefault = true;
        }
        else if (key == "channel")
        {
          p.channel = text;
        }
        else if (key == "index")
        {
          p.index = text;
          if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 6)
          {
            Add("invalid-index",
                child.line,
                where,
                "<index> '" + text + "' is not a non-negative integer",
                "number positional parameters 0, 1, 2, ...");
          }
        }
      }
    }
    if (p.HasIndex() && p.HasFlag())
    {
      Add("index-with-flag",
          p.line,
          where,
          "<index> cannot be combined with <flag> or <longflag>",
          "a parameter is either positional (<index>) or flagged, not both");
    }
    ParseAttributes(node, p, where);
    return p;
  }

  void ParseFlag(const Element & node, ModuleParameter & p, const std::string & where)
  {
    for (const auto & [attribute, value] : node.attributes)
    {
      (void)value;
      const bool alias = attribute == "alias" || attribute == "deprecatedalias";
      Add("invalid-attribute",
          node.line,
          where,
          "\"" + attribute + "\" on <" + node.name + "> is " +
            (alias ? "not supported by SuperSpotGenerateCLP" : "not an attribute of <" + node.name + ">"),
          alias ? "rename the flag instead of keeping aliases" : "remove it");
    }
    for (const auto & child : node.children)
    {
      Add("unknown-element",
          child.line,
          where,
          "<" + child.name + "> is not allowed inside <" + node.name + ">",
          "<" + node.name + "> holds text only");
    }
    std::string text = Trim(node.text);
    // SEM strips any leading dashes ("--sigma" and "sigma" are the same long flag).
    text.erase(0, text.find_first_not_of('-'));
    if (node.name == "flag")
    {
      p.flag = text;
      const bool letter =
        text.size() == 1 && ((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z'));
      if (!letter)
      {
        Add("invalid-flag",
            node.line,
            where,
            "<flag> '" + text + "' is not a single letter",
            "use one letter, or a <longflag>");
      }
    }
    else
    {
      p.longFlag = text;
      if (!IsValidIdentifier(text))
      {
        Add("invalid-longflag",
            node.line,
            where,
            "<longflag> '" + text +
              "' is not made of letters, digits and underscores starting with a letter or underscore",
            "use a name such as outputVolume");
      }
    }
  }

  void ParseConstraints(const Element & node, ModuleParameter & p, const std::string & where)
  {
    p.hasConstraints = true;
    if (!p.IsNumeric() || p.IsEnumeration())
    {
      Add("misplaced-element",
          node.line,
          where,
          "<constraints> apply to integer, float and double parameters (and their vectors) only",
          "remove them");
    }
    if (!node.attributes.empty())
    {
      Add("invalid-attribute", node.line, where, "<constraints> takes no attributes", "remove them");
    }
    std::set<std::string> seen;
    for (const auto & child : node.children)
    {
      if (!ConstraintChildren.count(child.name))
      {
        Add("unknown-element",
            child.line,
            where,
            "<" + child.name + "> is not allowed inside <constraints>",
            "use <minimum>, <maximum> and <step>");
        continue;
      }
      if (!seen.insert(child.name).second)
      {
        Add("duplicate-element",
            child.line,
            where,
            "<" + child.name + "> appears more than once in <constraints>",
            "keep one");
      }
      const std::string text = Text(child, where);
      if (child.name == "minimum")
      {
        p.hasMinimum = true;
        p.minimum = text;
      }
      else if (child.name == "maximum")
      {
        p.hasMaximum = true;
        p.maximum = text;
      }
      else
      {
        p.hasStep = true;
        p.step = text;
      }
    }
  }

  void ParseAttributes(const Element & node, ModuleParameter & p, const std::string & where)
  {
    const auto & rules = ParameterAttributes().at(p.tag);
    for (const auto & [attribute, rawValue] : node.attributes)
    {
      const std::string value = Trim(rawValue);
      const auto rule =
        std::find_if(rules.begin(), rules.end(), [&name = attribute](const AttributeRule & r) { return name == r.name; });
      if (rule == rules.end())
      {
        std::vector<std::string> names;
        for (const auto & r : rules)
        {
          names.emplace_back(r.name);
        }
        Add("invalid-attribute",
            node.line,
            where,
            "\"" + attribute + "\" is not an attribute of <" + p.tag + ">",
            names.empty() ? "<" + p.tag + "> takes no attributes" : "use " + Join(names));
        continue;
      }
      if (!rule->values.empty() && std::find(rule->values.begin(), rule->values.end(), value) == rule->values.end())
      {
        Add("invalid-attribute-value",
            node.line,
            where,
            attribute + "=\"" + value + "\" is not accepted on <" + p.tag + ">",
            "write " + attribute + "=\"" + Join(rule->values) + "\"");
        continue;
      }
      if (attribute == "multiple")
      {
        p.multiple = value == "true";
      }
      else if (attribute == "hidden")
      {
        p.hidden = value == "true";
      }
      else if (attribute == "aggregate")
      {
        p.aggregate = value == "true";
      }
      else if (attribute == "type")
      {
        p.type = value;
      }
      else if (attribute == "reference")
      {
        p.reference = value;
      }
      else if (attribute == "fileExtensions")
      {
        p.fileExtensions = value;
      }
      else if (attribute == "coordinateSystem")
      {
        p.coordinateSystem = value;
      }
    }
  }

  std::string m_Source;
  std::vector<ModuleDescriptionProblem> & m_Problems;
};
} // namespace

ModuleDescription ParseModuleDescription(const std::string & xml,
                                         const std::string & source,
                                         std::vector<ModuleDescriptionProblem> & problems)
{
  return Parser(source, problems).Parse(xml);
}

std::vector<ModuleDescriptionProblem> ValidateModuleDescription(const std::string & xml,
                                                                const std::string & source,
                                                                ModuleDescription * description)
{
  std::vector<ModuleDescriptionProblem> problems;
  ModuleDescription d = ParseModuleDescription(xml, source, problems);
  const bool unreadable = std::any_of(problems.begin(),
                                      problems.end(),
                                      [](const ModuleDescriptionProblem & p)
                                      { return p.rule == "not-well-formed" || p.rule == "root-not-executable"; });
  if (!unreadable)
  {
    const auto semantic = CheckModuleDescription(d, source);
    problems.insert(problems.end(), semantic.begin(), semantic.end());
  }
  if (description)
  {
    *description = std::move(d);
  }
  return problems;
}

} // namespace ss
