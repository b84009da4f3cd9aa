#include "ssCLPGenerator.h"
#include "ssModuleDescription.h"
#include "ssTextTable.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <algorithm>
#include <set>

namespace fs = boost::filesystem;

namespace
{
const std::string DataDir = SUPERSPOT_COMMANDLINE_TEST_DATA;

std::string RulesOf(const std::vector<ss::ModuleDescriptionProblem> & problems)
{
  std::string s;
  for (const auto & p : problems)
  {
    s += "[" + p.rule + "] " + p.message + "\n";
  }
  return s;
}

std::vector<std::string> XMLFilesIn(const std::string & dir)
{
  std::vector<std::string> files;
  for (const auto & e : fs::directory_iterator(dir))
  {
    if (e.path().extension() == ".xml")
    {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

const ss::ModuleParameter * Find(const ss::ModuleDescription & d, const std::string & name)
{
  for (const auto * p : d.Parameters())
  {
    if (p->name == name)
    {
      return p;
    }
  }
  return nullptr;
}
} // namespace

TEST(ModuleDescription, SlicersGaussianBlurPasses)
{
  const std::string path = std::string(SUPERSPOT_SLICER_DOCS_DIR) + "/GaussianBlurImageFilter.xml";
  if (!fs::exists(path))
  {
    GTEST_SKIP() << path << " is absent (../shared/docs/slicer)";
  }
  ss::ModuleDescription d;
  const auto problems = ss::ValidateModuleDescription(ss::ReadWholeFile(path), path, &d);
  EXPECT_TRUE(problems.empty()) << RulesOf(problems);
  EXPECT_EQ(d.title, "Gaussian Blur Image Filter");
  EXPECT_EQ(d.category, "Filtering.Denoising");
  EXPECT_EQ(d.index, "3");
  ASSERT_EQ(d.groups.size(), 1u);
  // The group's label comes after its first parameter in this file.
  EXPECT_EQ(d.groups[0].label, "IO");
  ASSERT_EQ(d.groups[0].parameters.size(), 3u);
  const auto & sigma = d.groups[0].parameters[0];
  EXPECT_EQ(sigma.tag, "double");
  EXPECT_EQ(sigma.flag, "s");
  EXPECT_EQ(sigma.longFlag, "sigma");
  EXPECT_EQ(sigma.defaultValue, "1.0");
  EXPECT_EQ(sigma.group, "IO");
  const auto & output = d.groups[0].parameters[2];
  EXPECT_EQ(output.index, "1");
  EXPECT_EQ(output.channel, "output");
  EXPECT_EQ(output.reference, "inputVolume");
  EXPECT_EQ(output.type, "");
  EXPECT_EQ(output.line, 30);
}

TEST(ModuleDescription, ValidFilesPass)
{
  auto files = XMLFilesIn(DataDir + "/valid");
  files.push_back(SUPERSPOT_CLI_TEST_MODULE_XML);
  ASSERT_GE(files.size(), 3u);
  for (const auto & path : files)
  {
    const auto problems = ss::ValidateModuleDescription(ss::ReadWholeFile(path), path);
    EXPECT_TRUE(problems.empty()) << path << "\n" << RulesOf(problems);
  }
}

TEST(ModuleDescription, LenientFormsAreReadAsSEMReadsThem)
{
  const std::string path = DataDir + "/valid/lenient.xml";
  ss::ModuleDescription d;
  ASSERT_TRUE(ss::ValidateModuleDescription(ss::ReadWholeFile(path), path, &d).empty());
  EXPECT_EQ(d.index, "2");
  ASSERT_EQ(d.groups.size(), 2u);
  EXPECT_FALSE(d.groups[0].advanced);
  const auto * sigma = Find(d, "sigma");
  ASSERT_NE(sigma, nullptr);
  EXPECT_EQ(sigma->flag, "s");           // written -s
  EXPECT_EQ(sigma->longFlag, "sigma");   // written --sigma
  EXPECT_EQ(sigma->defaultValue, "1.5"); // written " 1.5 "
  EXPECT_TRUE(sigma->hasMaximum);
  EXPECT_FALSE(sigma->hasMinimum);
  EXPECT_EQ(sigma->step, "0.5");
  EXPECT_EQ(sigma->CommandLineName(), "--sigma");
  EXPECT_TRUE(Find(d, "quiet")->hidden);
  EXPECT_EQ(Find(d, "interpolation")->elements, (std::vector<std::string>{ "nearest", "bilinear" }));
  EXPECT_EQ(Find(d, "inputVolume")->type, "vector");
  EXPECT_EQ(Find(d, "inputVolume")->description, "The H&E image");
  EXPECT_EQ(Find(d, "inputVolume")->CommandLineName(), "<inputVolume>");
  EXPECT_TRUE(Find(d, "elapsedSeconds")->IsReturnParameter());
  EXPECT_FALSE(Find(d, "outputVolume")->IsReturnParameter());
  EXPECT_FALSE(Find(d, "sigma")->IsReturnParameter());
  EXPECT_EQ(Find(d, "sigma")->Describe(), "parameter 'sigma' (<double> in group 'Options')");
}

// Each file under data/broken breaks one rule, named by the file (before any "--"): the
// checks must find that rule and nothing else, so a file cannot fail for a wrong reason.
TEST(ModuleDescription, EachBrokenFileFailsItsOneRule)
{
  std::set<std::string> covered;
  for (const auto & path : XMLFilesIn(DataDir + "/broken"))
  {
    const std::string stem = fs::path(path).stem().string();
    const std::string rule = stem.substr(0, stem.find("--"));
    const auto problems = ss::ValidateModuleDescription(ss::ReadWholeFile(path), path);
    ASSERT_FALSE(problems.empty()) << path << " passed";
    for (const auto & p : problems)
    {
      EXPECT_EQ(p.rule, rule) << path << "\n" << RulesOf(problems);
      EXPECT_EQ(p.message.rfind(path + ":", 0), 0u) << p.message;
      EXPECT_NE(p.message.find(". Fix: "), std::string::npos) << p.message;
      EXPECT_EQ(p.message.find('\n'), std::string::npos) << p.message;
    }
    covered.insert(rule);
  }
  // Every rule the checks know has its broken file.
  const std::set<std::string> allRules{ "not-well-formed",
                                        "root-not-executable",
                                        "unknown-element",
                                        "misplaced-element",
                                        "invalid-attribute",
                                        "invalid-attribute-value",
                                        "invalid-name",
                                        "invalid-flag",
                                        "invalid-longflag",
                                        "invalid-index",
                                        "index-with-flag",
                                        "duplicate-element",
                                        "missing-element",
                                        "duplicate-name",
                                        "duplicate-longflag",
                                        "duplicate-flag",
                                        "reserved-flag",
                                        "reserved-name",
                                        "duplicate-index",
                                        "index-gap",
                                        "multiple-positional-not-last",
                                        "no-flag-or-index",
                                        "output-with-flag",
                                        "boolean-needs-flag",
                                        "missing-longflag",
                                        "missing-channel",
                                        "invalid-channel",
                                        "invalid-default",
                                        "boolean-default-true",
                                        "default-on-multiple",
                                        "enumeration-empty",
                                        "enumeration-default",
                                        "enumeration-element",
                                        "constraint-number",
                                        "constraint-range",
                                        "constraint-step" };
  EXPECT_EQ(covered, allRules);
}

TEST(ModuleDescription, ProblemsNameTheLine)
{
  const std::string path = DataDir + "/broken/invalid-flag.xml";
  const std::string text = ss::ReadWholeFile(path);
  const auto at = text.find("<flag>sg</flag>");
  ASSERT_NE(at, std::string::npos);
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  const auto problems = ss::ValidateModuleDescription(text, path);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message.rfind(
              path + ":" + std::to_string(line) + ": parameter 'sigma' (<double> in group 'Parameters'): ", 0),
            0u)
    << problems[0].message;

  // A syntax error is reported at its line by the XML parser.
  const auto syntax = ss::ValidateModuleDescription("<executable>\n<title>x</title>\n<oops>\n</executable>\n", "m.xml");
  ASSERT_EQ(syntax.size(), 1u);
  EXPECT_EQ(syntax[0].rule, "not-well-formed");
  // The first error (the tag <oops> never closed, found at line 4), not libxml2's last.
  EXPECT_EQ(
    syntax[0].message.rfind(
      "m.xml:4: document: the XML does not parse: Opening and ending tag mismatch: oops line 3 and executable", 0),
    0u)
    << syntax[0].message;
}

TEST(ModuleDescription, ReportsEveryProblemNotOnlyTheFirst)
{
  const std::string xml = R"(<executable>
  <parameters>
    <integer>
      <name>n</name>
      <longflag>n</longflag>
      <label>N</label>
      <description>N</description>
      <default>1.5</default>
    </integer>
    <integer>
      <name>n</name>
      <longflag>n</longflag>
      <label>N</label>
      <description>N again</description>
    </integer>
  </parameters>
</executable>)";
  std::multiset<std::string> rules;
  for (const auto & p : ss::ValidateModuleDescription(xml, "m.xml"))
  {
    rules.insert(p.rule);
  }
  EXPECT_EQ(rules,
            (std::multiset<std::string>{ "missing-element",
                                         "missing-element",
                                         "missing-element",
                                         "invalid-default",
                                         "duplicate-name",
                                         "duplicate-longflag" }));
}

TEST(ModuleDescription, ExternalEntitiesAreNotLoaded)
{
  // A description is data: it must not read files (XXE) while being checked.
  const std::string xml =
    "<?xml version=\"1.0\"?>\n<!DOCTYPE executable [<!ENTITY secret SYSTEM \"file:///etc/hostname\">]>\n"
    "<executable><title>&secret;</title><description>d</description>"
    "<parameters><label>L</label></parameters></executable>";
  ss::ModuleDescription d;
  ss::ValidateModuleDescription(xml, "m.xml", &d);
  EXPECT_EQ(d.title, "");
}

TEST(ModuleDescription, CPPTypesFollowGenerateCLP)
{
  ss::ModuleDescription d;
  ASSERT_TRUE(ss::ValidateModuleDescription(ss::ReadWholeFile(SUPERSPOT_CLI_TEST_MODULE_XML), "t.xml", &d).empty());
  const std::vector<std::pair<std::string, std::string>> expected{
    { "count", "int" },
    { "weight", "float" },
    { "sigma", "double" },
    { "verbose", "bool" },
    { "repeat", "std::vector<int>" },
    { "sizes", "std::vector<int>" },
    { "scales", "std::vector<float>" },
    { "offsets", "std::vector<double>" },
    { "genes", "std::vector<std::string>" },
    { "seed", "std::vector<float>" },
    { "landmarks", "std::vector<std::vector<float>>" },
    { "box", "std::vector<float>" },
    { "mode", "std::string" },
    { "level", "int" },
    { "ratio", "float" },
    { "alpha", "double" },
    { "title", "std::string" },
    { "tags", "std::vector<std::string>" },
    { "workDirectory", "std::string" },
    { "table", "std::string" },
    { "extraFiles", "std::vector<std::string>" },
    { "transform", "std::string" },
    { "mesh", "std::string" },
    { "colors", "std::string" },
    { "inputVolume", "std::string" },
    { "outputVolume", "std::string" },
    { "report", "std::string" },
    { "total", "int" },
    { "doubledSizes", "std::vector<int>" },
    { "wasVerbose", "bool" },
  };
  for (const auto & [name, type] : expected)
  {
    const auto * p = Find(d, name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(ss::CPPTypeOf(*p), type) << name;
  }
}

TEST(ModuleDescription, GeneratorRefusesAModuleNameThatIsNoIdentifier)
{
  ss::ModuleDescription d;
  EXPECT_THROW(ss::GenerateCLPHeader(d, "Super-Spot", "<executable/>", "x.xml"), std::invalid_argument);
  const std::string header = ss::GenerateCLPHeader(d, "Empty", "<a>\"?\n\xc2\xb5</a>", "Empty.xml");
  // Quotes, trigraph-prone '?' and UTF-8 bytes are escaped, one literal per line.
  EXPECT_NE(header.find("\"<a>\\\"\\077\\n\"\n    \"\\302\\265</a>\";"), std::string::npos) << header;
  EXPECT_NE(header.find("struct EmptyParameters : public ss::CommandLineArguments"), std::string::npos);
  EXPECT_NE(header.find("inline std::optional<int> ParseEmpty(int argc, char ** argv, EmptyParameters & parameters)"),
            std::string::npos);
}
