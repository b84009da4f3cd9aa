// The parser SuperSpotGenerateCLP wrote from SuperSpotCLITestModule.xml, and that
// module's entry point run in-process (as Slicer's CLI tests run theirs).

#include "SuperSpotCLITestModuleCLP.h"

#include "ssFiles.h"
#include "ssTextTable.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <cstdlib>
#include <unistd.h>

int SuperSpotCLITestModuleModuleEntryPoint(int argc, char * argv[]);

namespace
{
/** argv for a parse: argv[0] is the program. */
class Arguments
{
public:
  Arguments(std::initializer_list<std::string> args)
    : m_Strings{ "SuperSpotCLITestModule" }
  {
    m_Strings.insert(m_Strings.end(), args.begin(), args.end());
    for (auto & s : m_Strings)
    {
      m_Pointers.push_back(s.data());
    }
    m_Pointers.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(m_Strings.size()); }
  char ** argv() { return m_Pointers.data(); }

private:
  std::vector<std::string> m_Strings;
  std::vector<char *> m_Pointers;
};

struct Outcome
{
  std::optional<int> exitCode;
  std::string out, err;
  SuperSpotCLITestModuleParameters parameters;
};

Outcome Parse(std::initializer_list<std::string> args)
{
  Arguments a(args);
  Outcome o;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  o.exitCode = ParseSuperSpotCLITestModule(a.argc(), a.argv(), o.parameters);
  o.err = ::testing::internal::GetCapturedStderr();
  o.out = ::testing::internal::GetCapturedStdout();
  return o;
}

/** A failed parse: exit code 1 and exactly one line on standard error. */
std::string ErrorOf(std::initializer_list<std::string> args)
{
  const auto o = Parse(args);
  EXPECT_EQ(o.exitCode, std::optional<int>(1));
  EXPECT_FALSE(o.err.empty());
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  return o.err;
}

bool Contains(const std::string & text, const std::string & part)
{
  return text.find(part) != std::string::npos;
}
} // namespace

TEST(GeneratedParser, DefaultsComeFromTheXML)
{
  const auto o = Parse({ "in.nrrd", "out.nrrd", "report.txt" });
  ASSERT_FALSE(o.exitCode.has_value()) << o.err;
  const auto & p = o.parameters;
  EXPECT_EQ(p.count, 3);
  EXPECT_FLOAT_EQ(p.weight, 0.5f);
  EXPECT_DOUBLE_EQ(p.sigma, 2.5);
  EXPECT_FALSE(p.verbose);
  EXPECT_TRUE(p.repeat.empty());
  EXPECT_EQ(p.sizes, (std::vector<int>{ 1, 2, 3 }));
  EXPECT_EQ(p.scales, (std::vector<float>{ 0.5f, 1.5f }));
  EXPECT_TRUE(p.offsets.empty());
  EXPECT_EQ(p.genes, (std::vector<std::string>{ "ERBB2", "ESR1" }));
  EXPECT_EQ(p.seed, (std::vector<float>{ 1, 2, 3 }));
  EXPECT_TRUE(p.landmarks.empty());
  EXPECT_TRUE(p.box.empty());
  EXPECT_EQ(p.mode, "mean");
  EXPECT_EQ(p.level, 2);
  EXPECT_FLOAT_EQ(p.ratio, 1.0f);
  EXPECT_DOUBLE_EQ(p.alpha, 0.25); // no <default>: the first element, as Slicer's GUI shows it
  EXPECT_EQ(p.title, "Super \"Spot\"");
  EXPECT_TRUE(p.tags.empty());
  EXPECT_EQ(p.workDirectory, "");
  EXPECT_TRUE(p.extraFiles.empty());
  EXPECT_EQ(p.inputVolume, "in.nrrd");
  EXPECT_EQ(p.outputVolume, "out.nrrd");
  EXPECT_EQ(p.report, "report.txt");
  EXPECT_FALSE(p.echo);
  EXPECT_EQ(p.returnParameterFile, "");
  EXPECT_TRUE(o.out.empty()) << o.out;
  EXPECT_TRUE(o.err.empty()) << o.err;
}

TEST(GeneratedParser, EveryParameterTypeParses)
{
  // One flag and its value per line.
  // clang-format off
  const auto o = Parse({ "-c", "5",
                         "--weight", "0.25",
                         "-s", "1e-1",
                         "-v",
                         "--repeat", "1", "--repeat", "-2",
                         "--sizes", "4,5",
                         "--scales", "2.5",
                         "--offsets", "-1.5,2",
                         "--genes", "A, B,C",
                         "--seed", "4,5,6",
                         "--landmark", "1,1,1", "--landmark", "2,2.5,2",
                         "--box", "0,0,0,1,1,1",
                         "--mode", "max",
                         "--level", "4",
                         "--ratio", "0.5",
                         "--alpha", "0.75",
                         "-t", "A title",
                         "--tag", "x", "--tag", "y",
                         "--workDirectory", "/tmp/work",
                         "--table", "t.csv",
                         "--extra", "a.txt", "--extra", "b.txt",
                         "--transform", "tf.h5",
                         "--mesh", "m.vtk",
                         "--colors", "c.ctbl",
                         "in.nrrd", "out.nrrd", "report.txt",
                         "--returnparameterfile", "r.params",
                         "--processinformationaddress", "0x1234" });
  // clang-format on
  ASSERT_FALSE(o.exitCode.has_value()) << o.err;
  const auto & p = o.parameters;
  EXPECT_EQ(p.count, 5);
  EXPECT_FLOAT_EQ(p.weight, 0.25f);
  EXPECT_DOUBLE_EQ(p.sigma, 0.1);
  EXPECT_TRUE(p.verbose);
  EXPECT_EQ(p.repeat, (std::vector<int>{ 1, -2 }));
  EXPECT_EQ(p.sizes, (std::vector<int>{ 4, 5 }));
  EXPECT_EQ(p.scales, (std::vector<float>{ 2.5f }));
  EXPECT_EQ(p.offsets, (std::vector<double>{ -1.5, 2 }));
  EXPECT_EQ(p.genes, (std::vector<std::string>{ "A", "B", "C" }));
  EXPECT_EQ(p.seed, (std::vector<float>{ 4, 5, 6 }));
  EXPECT_EQ(p.landmarks, (std::vector<std::vector<float>>{ { 1, 1, 1 }, { 2, 2.5f, 2 } }));
  EXPECT_EQ(p.box, (std::vector<float>{ 0, 0, 0, 1, 1, 1 }));
  EXPECT_EQ(p.mode, "max");
  EXPECT_EQ(p.level, 4);
  EXPECT_FLOAT_EQ(p.ratio, 0.5f);
  EXPECT_DOUBLE_EQ(p.alpha, 0.75);
  EXPECT_EQ(p.title, "A title");
  EXPECT_EQ(p.tags, (std::vector<std::string>{ "x", "y" }));
  EXPECT_EQ(p.workDirectory, "/tmp/work");
  EXPECT_EQ(p.table, "t.csv");
  EXPECT_EQ(p.extraFiles, (std::vector<std::string>{ "a.txt", "b.txt" }));
  EXPECT_EQ(p.transform, "tf.h5");
  EXPECT_EQ(p.mesh, "m.vtk");
  EXPECT_EQ(p.colors, "c.ctbl");
  EXPECT_EQ(p.returnParameterFile, "r.params");
  EXPECT_EQ(p.processInformationAddress, "0x1234");
}

TEST(GeneratedParser, PositionalParametersFollowTheirIndexNotTheirPlaceInTheXML)
{
  // <report> (index 2) comes before <outputVolume> (index 1) in the XML.
  const auto o = Parse({ "first", "second", "third" });
  ASSERT_FALSE(o.exitCode.has_value()) << o.err;
  EXPECT_EQ(o.parameters.inputVolume, "first");
  EXPECT_EQ(o.parameters.outputVolume, "second");
  EXPECT_EQ(o.parameters.report, "third");
}

TEST(GeneratedParser, ConstraintsRejectOutOfRangeValues)
{
  EXPECT_EQ(ErrorOf({ "-c", "11", "a", "b", "c" }),
            "SuperSpotCLITestModule: --count: 11 is above the maximum 10 of SuperSpotCLITestModule.xml\n");
  EXPECT_EQ(ErrorOf({ "--count", "0", "a", "b", "c" }),
            "SuperSpotCLITestModule: --count: 0 is below the minimum 1 of SuperSpotCLITestModule.xml\n");
  EXPECT_TRUE(Contains(ErrorOf({ "--weight", "-0.1", "a", "b", "c" }), "--weight: -0.1 is below the minimum 0"));
  // Every element of a vector is checked.
  EXPECT_TRUE(Contains(ErrorOf({ "--scales", "1,20", "a", "b", "c" }), "--scales: 20 is above the maximum 10"));
  // The bounds themselves are allowed.
  EXPECT_FALSE(Parse({ "-c", "10", "--weight", "1", "a", "b", "c" }).exitCode.has_value());
}

TEST(GeneratedParser, EnumerationsRejectUnknownValues)
{
  const std::string mode = ErrorOf({ "--mode", "mode", "a", "b", "c" });
  EXPECT_TRUE(Contains(mode, "mean|median|max")) << mode;
  EXPECT_TRUE(Contains(mode, "--mode")) << mode;
  EXPECT_TRUE(Contains(ErrorOf({ "--level", "3", "a", "b", "c" }), "1|2|4"));
  EXPECT_FALSE(Parse({ "--level", "1", "a", "b", "c" }).exitCode.has_value());
}

TEST(GeneratedParser, MalformedValuesAreOneLineErrors)
{
  EXPECT_EQ(ErrorOf({ "--sizes", "1,x", "a", "b", "c" }), "SuperSpotCLITestModule: --sizes: 'x' is not an integer\n");
  EXPECT_EQ(ErrorOf({ "--seed", "1,2", "a", "b", "c" }),
            "SuperSpotCLITestModule: --seed: '1,2' has 2 coordinates; a point is x,y,z\n");
  EXPECT_TRUE(Contains(ErrorOf({ "--box", "1,2,3", "a", "b", "c" }), "a region is x,y,z,rx,ry,rz"));
  EXPECT_TRUE(Contains(ErrorOf({ "-c", "abc", "a", "b", "c" }), "--count"));
  EXPECT_TRUE(Contains(ErrorOf({ "a", "b" }), "Required argument missing"));
  // TCLAP alone would take a mistyped flag for the first file name.
  EXPECT_TRUE(Contains(ErrorOf({ "--nope", "a", "b" }), "'--nope' is not an option"));
  EXPECT_TRUE(Contains(ErrorOf({ "a", "b", "c", "d" }), "see SuperSpotCLITestModule --help"));
}

TEST(GeneratedParser, XMLIsPrintedFirstAndByteForByte)
{
  const std::string xml = ss::ReadWholeFile(SUPERSPOT_CLI_TEST_MODULE_XML);
  EXPECT_EQ(std::string(GetSuperSpotCLITestModuleXML()), xml);
  // Even a command line that would not parse gets the XML: --xml is looked at first.
  const auto o = Parse({ "--count", "abc", "--xml" });
  EXPECT_EQ(o.exitCode, std::optional<int>(0));
  EXPECT_EQ(o.out, xml);
  EXPECT_TRUE(o.err.empty());
}

TEST(GeneratedParser, HelpAndVersionExitZeroWithoutLeavingTheProcess)
{
  const auto help = Parse({ "--help" });
  EXPECT_EQ(help.exitCode, std::optional<int>(0));
  EXPECT_TRUE(Contains(help.out, "USAGE"));
  EXPECT_TRUE(Contains(help.out, "--sigma"));
  EXPECT_TRUE(Contains(help.out, "--returnparameterfile"));
  EXPECT_TRUE(Contains(help.out, "(range: 1 to 10)"));
  EXPECT_TRUE(help.err.empty());
  const auto version = Parse({ "--version" });
  EXPECT_EQ(version.exitCode, std::optional<int>(0));
  EXPECT_TRUE(Contains(version.out, "0.1.0"));
}

TEST(GeneratedParser, EchoPrintsEveryParameter)
{
  const auto o = Parse({ "--echo", "-s", "0.125", "--landmark", "1,2,3", "--landmark", "4,5,6", "a", "b", "c" });
  ASSERT_FALSE(o.exitCode.has_value()) << o.err;
  EXPECT_TRUE(o.parameters.echo);
  EXPECT_EQ(
    o.out.rfind("Command Line Arguments\n    count: 3\n    weight: 0.5\n    sigma: 0.125\n    verbose: false\n", 0), 0u)
    << o.out;
  EXPECT_TRUE(Contains(o.out, "\n    landmarks: 1,2,3;4,5,6\n"));
  EXPECT_TRUE(Contains(o.out, "\n    title: Super \"Spot\"\n"));
  EXPECT_TRUE(Contains(o.out, "\n    inputVolume: a\n"));
  EXPECT_TRUE(Contains(o.out, "\n    wasVerbose: false\n"));
  // One line per parameter of the XML, after the header.
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 1 + static_cast<long>(o.parameters.NameValues().size()));
  EXPECT_EQ(o.parameters.NameValues().size(), 32u);
}

class GeneratedModule : public ::testing::Test
{
protected:
  void SetUp() override
  {
    // One folder per test and process: CTest runs these tests side by side (-j2).
    m_Dir = std::string(::testing::TempDir()) + "/superspot-cli-module-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" + std::to_string(getpid());
    boost::filesystem::remove_all(m_Dir);
    ss::CreateDirectories(m_Dir);
    ss::WriteTextFileAtomically(m_Dir + "/in.nrrd", "volume bytes\n");
    setenv("SUPERSPOT_PROGRESS", "slicer", 1);
  }
  void TearDown() override
  {
    unsetenv("SUPERSPOT_PROGRESS");
    ss::ProgressReporter::SetGlobalStyle(ss::ProgressReporter::Style::None);
    boost::system::error_code ec;
    boost::filesystem::remove_all(m_Dir, ec);
  }

  int Run(std::initializer_list<std::string> args)
  {
    Arguments a(args);
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int rc = SuperSpotCLITestModuleModuleEntryPoint(a.argc(), a.argv());
    m_Err = ::testing::internal::GetCapturedStderr();
    m_Out = ::testing::internal::GetCapturedStdout();
    return rc;
  }

  std::string m_Dir, m_Out, m_Err;
};

TEST_F(GeneratedModule, RunsInProcessAndReturnsItsOutputs)
{
  const std::string params = m_Dir + "/return.params";
  ASSERT_EQ(Run({ "--repeat",
                  "1",
                  "--repeat",
                  "2",
                  "-v",
                  m_Dir + "/in.nrrd",
                  m_Dir + "/out.nrrd",
                  m_Dir + "/report.txt",
                  "--returnparameterfile",
                  params }),
            0)
    << m_Err;
  EXPECT_TRUE(m_Err.empty()) << m_Err;
  EXPECT_EQ(ss::ReadWholeFile(m_Dir + "/out.nrrd"), "volume bytes\n");
  const std::string report = ss::ReadWholeFile(m_Dir + "/report.txt");
  EXPECT_TRUE(Contains(report, "count=3\n"));
  EXPECT_TRUE(Contains(report, "repeat=1,2\n"));
  EXPECT_TRUE(Contains(report, "genes=ERBB2,ESR1\n"));
  // total = count + repeats, meanScale = mean of the default scales 0.5 and 1.5.
  EXPECT_EQ(ss::ReadWholeFile(params),
            "total = 6\nmeanScale = 1\nchosenMode = MEAN\ndoubledSizes = 2,4,6\nwasVerbose = true\n");
  // Slicer-style progress on standard output.
  EXPECT_TRUE(Contains(m_Out, "<filter-start>\n<filter-name>SuperSpotCLITestModule</filter-name>")) << m_Out;
  EXPECT_TRUE(Contains(m_Out, "<filter-progress>0.5</filter-progress>\n"));
  EXPECT_TRUE(Contains(m_Out, "<filter-end>"));
}

TEST_F(GeneratedModule, AFailureIsOneLineOnStandardError)
{
  const std::string missing = m_Dir + "/missing.nrrd";
  EXPECT_EQ(Run({ missing, m_Dir + "/out.nrrd", m_Dir + "/report.txt" }), 1);
  EXPECT_EQ(std::count(m_Err.begin(), m_Err.end(), '\n'), 1) << m_Err;
  EXPECT_TRUE(Contains(m_Err, missing)) << m_Err;
  EXPECT_TRUE(Contains(m_Err, "input volume")) << m_Err;
  EXPECT_FALSE(ss::FileExists(m_Dir + "/out.nrrd"));
}

TEST_F(GeneratedModule, ParseErrorsStopBeforeTheWork)
{
  EXPECT_EQ(Run({ "-c", "99", m_Dir + "/in.nrrd", m_Dir + "/out.nrrd", m_Dir + "/report.txt" }), 1);
  EXPECT_FALSE(ss::FileExists(m_Dir + "/out.nrrd"));
  EXPECT_TRUE(m_Out.empty()) << m_Out;
}
