#include "ssCommandLine.h"
#include "ssError.h"
#include "ssFiles.h"
#include "ssTextTable.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <unistd.h>

namespace
{
/** Sets an environment variable for one test and restores it after. */
class ScopedEnvironment
{
public:
  ScopedEnvironment(const char * name, const char * value)
    : m_Name(name)
  {
    if (const char * old = std::getenv(name))
    {
      m_Old = old;
      m_HadOld = true;
    }
    if (value)
    {
      setenv(name, value, 1);
    }
    else
    {
      unsetenv(name);
    }
  }
  ~ScopedEnvironment()
  {
    if (m_HadOld)
    {
      setenv(m_Name.c_str(), m_Old.c_str(), 1);
    }
    else
    {
      unsetenv(m_Name.c_str());
    }
  }

private:
  std::string m_Name, m_Old;
  bool m_HadOld = false;
};

std::string ThrownMessage(const std::function<void()> & f)
{
  try
  {
    f();
  }
  catch (const std::exception & e)
  {
    return e.what();
  }
  return "(nothing thrown)";
}
} // namespace

TEST(CommandLine, XMLRequestIsFoundAnywhereButOnlyAsItself)
{
  const char * first[] = { "m", "--xml" };
  const char * later[] = { "m", "--count", "abc", "--xml" };
  const char * none[] = { "m", "--xmlfile", "a.xml", "xml" };
  EXPECT_TRUE(ss::ArgumentsRequestXML(2, first));
  EXPECT_TRUE(ss::ArgumentsRequestXML(4, later));
  EXPECT_FALSE(ss::ArgumentsRequestXML(4, none));
  // argv[0] is the program, never an option.
  const char * program[] = { "--xml" };
  EXPECT_FALSE(ss::ArgumentsRequestXML(1, program));
}

TEST(CommandLine, ValuesParseStrictly)
{
  EXPECT_EQ(ss::ParseValue<int>("42", "--n"), 42);
  EXPECT_EQ(ss::ParseValue<int>(" -7 ", "--n"), -7);
  EXPECT_EQ(ss::ParseValue<int>("+3", "--n"), 3);
  EXPECT_EQ(ThrownMessage([] { ss::ParseValue<int>("1.5", "--n"); }), "--n: '1.5' is not an integer");
  EXPECT_THROW(ss::ParseValue<int>("", "--n"), ss::CommandLineError);
  EXPECT_THROW(ss::ParseValue<int>("12abc", "--n"), ss::CommandLineError);
  EXPECT_EQ(ThrownMessage([] { ss::ParseValue<int>("99999999999", "--n"); }),
            "--n: '99999999999' is out of the range of an integer");
  EXPECT_DOUBLE_EQ(ss::ParseValue<double>("2.5e-3", "--x"), 2.5e-3);
  EXPECT_FLOAT_EQ(ss::ParseValue<float>("0.1", "--x"), 0.1f);
  EXPECT_THROW(ss::ParseValue<double>("nan", "--x"), ss::CommandLineError);
  EXPECT_THROW(ss::ParseValue<double>("inf", "--x"), ss::CommandLineError);
  EXPECT_THROW(ss::ParseValue<double>("1,5", "--x"), ss::CommandLineError);
  EXPECT_THROW(ss::ParseValue<float>("1e60", "--x"), ss::CommandLineError);
  EXPECT_TRUE(ss::ParseValue<bool>(" true", "--b"));
  EXPECT_FALSE(ss::ParseValue<bool>("false", "--b"));
  EXPECT_EQ(ThrownMessage([] { ss::ParseValue<bool>("yes", "--b"); }), "--b: 'yes' is not true or false");
  EXPECT_EQ(ss::ParseValue<std::string>(" a b ", "--s"), " a b ");
}

TEST(CommandLine, ListsAndPointsAreCommaSeparated)
{
  EXPECT_EQ(ss::ParseList<int>("1, 2,3", "--v"), (std::vector<int>{ 1, 2, 3 }));
  EXPECT_TRUE(ss::ParseList<int>("  ", "--v").empty());
  EXPECT_EQ(ss::ParseList<double>("-1.5,2", "--v"), (std::vector<double>{ -1.5, 2 }));
  EXPECT_EQ(ss::ParseList<std::string>("ERBB2, ESR1", "--g"), (std::vector<std::string>{ "ERBB2", "ESR1" }));
  EXPECT_EQ(ThrownMessage([] { ss::ParseList<int>("1,,2", "--v"); }),
            "--v: '1,,2' has an empty item; write comma-separated values such as 1,2,3");
  EXPECT_EQ(ThrownMessage([] { ss::ParseList<int>("1,x", "--v"); }), "--v: 'x' is not an integer");
  EXPECT_EQ(ss::ParsePoint("1,2,3", 3, "--p"), (std::vector<float>{ 1, 2, 3 }));
  EXPECT_EQ(ss::ParsePoint("0,0,0,1,2,3", 6, "--r").size(), 6u);
  EXPECT_EQ(ThrownMessage([] { ss::ParsePoint("1,2", 3, "--p"); }), "--p: '1,2' has 2 coordinates; a point is x,y,z");
  EXPECT_THROW(ss::ParsePoint("1,2,3", 6, "--r"), ss::CommandLineError);
}

TEST(CommandLine, RangesAreCheckedAgainstTheXML)
{
  EXPECT_NO_THROW(ss::CheckRange(1.0, true, 1.0, true, 10.0, "--count", "M.xml"));
  EXPECT_NO_THROW(ss::CheckRange(1e9, true, 1.0, false, 0.0, "--count", "M.xml"));
  EXPECT_EQ(ThrownMessage([] { ss::CheckRange(0.0, true, 1.0, true, 10.0, "--count", "M.xml"); }),
            "--count: 0 is below the minimum 1 of M.xml");
  EXPECT_EQ(ThrownMessage([] { ss::CheckRange(10.5, true, 1.0, true, 10.0, "--count", "M.xml"); }),
            "--count: 10.5 is above the maximum 10 of M.xml");
  // A float is quoted as the user wrote it, not as its double expansion.
  EXPECT_EQ(ThrownMessage([] { ss::CheckRange(-0.1f, true, 0.0, true, 1.0, "--weight", "M.xml"); }),
            "--weight: -0.1 is below the minimum 0 of M.xml");
  EXPECT_NO_THROW(ss::CheckRange(std::vector<float>{ 0.f, 5.f }, true, 0.0, true, 10.0, "--v", "M.xml"));
  EXPECT_THROW(ss::CheckRange(std::vector<float>{ 0.f, 11.f }, true, 0.0, true, 10.0, "--v", "M.xml"),
               ss::CommandLineError);
}

TEST(CommandLine, PositionalValuesThatLookLikeOptionsAreRefused)
{
  EXPECT_NO_THROW(ss::CheckPositional(std::string("in.nrrd"), "inputVolume"));
  EXPECT_NO_THROW(ss::CheckPositional(std::string("-"), "inputVolume"));
  EXPECT_NO_THROW(ss::CheckPositional(std::string("-2.5"), "offset"));
  EXPECT_EQ(ThrownMessage([] { ss::CheckPositional(std::string("--nope"), "inputVolume"); }),
            "'--nope' is not an option of this module, and <inputVolume> does not start with a dash; check the "
            "spelling in --help");
  EXPECT_THROW(ss::CheckPositional(std::vector<std::string>{ "a", "-x" }, "files"), ss::CommandLineError);
  EXPECT_NO_THROW(ss::CheckPositional(-3, "n"));
}

TEST(CommandLine, ValuesFormatAsSlicerReadsThem)
{
  EXPECT_EQ(ss::FormatValue(0.1f), "0.1");
  EXPECT_EQ(ss::FormatValue(2.5), "2.5");
  EXPECT_EQ(ss::FormatValue(1.0), "1");
  EXPECT_EQ(ss::FormatValue(1e20), "1e+20");
  EXPECT_EQ(ss::FormatValue(-3), "-3");
  EXPECT_EQ(ss::FormatValue(true), "true");
  EXPECT_EQ(ss::FormatValue(std::vector<int>{ 4, 5, 6, 7 }), "4,5,6,7");
  EXPECT_EQ(ss::FormatValue(std::vector<std::string>{ "a", "b" }), "a,b");
  EXPECT_EQ(ss::FormatValue(std::vector<std::vector<float>>{ { 1, 2, 3 }, { 4.5f, 5, 6 } }), "1,2,3;4.5,5,6");
  EXPECT_EQ(ss::FormatValue(std::string("two\nlines")), "two lines");
}

TEST(CommandLine, EchoUsesSEMsFormat)
{
  std::ostringstream os;
  ss::EchoParameters(os, { { "sigma", "2.5" }, { "sizes", "1,2,3" } });
  EXPECT_EQ(os.str(), "Command Line Arguments\n    sigma: 2.5\n    sizes: 1,2,3\n");
}

TEST(CommandLine, ReturnParameterFileHasNameEqualsValueLines)
{
  const std::string path = std::string(::testing::TempDir()) + "/return.params";
  ss::WriteReturnParameterFile(path, { { "total", "6" }, { "chosenMode", "MEAN" } });
  EXPECT_EQ(ss::ReadWholeFile(path), "total = 6\nchosenMode = MEAN\n");
  // Without --returnparameterfile nothing is written.
  EXPECT_NO_THROW(ss::WriteReturnParameterFile("", { { "total", "6" } }));
}

TEST(CommandLine, ProgressStyleComesFromTheEnvironmentThenTheTerminal)
{
  using Style = ss::ProgressReporter::Style;
  {
    ScopedEnvironment env("SUPERSPOT_PROGRESS", "slicer");
    EXPECT_EQ(ss::ProgressStyleFromEnvironment(), Style::Slicer);
  }
  {
    ScopedEnvironment env("SUPERSPOT_PROGRESS", "console");
    EXPECT_EQ(ss::ProgressStyleFromEnvironment(), Style::Console);
  }
  {
    ScopedEnvironment env("SUPERSPOT_PROGRESS", "none");
    EXPECT_EQ(ss::ProgressStyleFromEnvironment(), Style::None);
  }
  {
    ScopedEnvironment env("SUPERSPOT_PROGRESS", "loud");
    EXPECT_THROW(ss::ProgressStyleFromEnvironment(), ss::InputError);
  }
  {
    ScopedEnvironment env("SUPERSPOT_PROGRESS", nullptr);
    EXPECT_EQ(ss::ProgressStyleFromEnvironment(), isatty(fileno(stdout)) ? Style::Console : Style::Slicer);
  }
}

TEST(CommandLine, RunModulePrintsOneLineAndReturnsOneOnAnyException)
{
  ScopedEnvironment env("SUPERSPOT_PROGRESS", "slicer");
  EXPECT_EQ(ss::RunModule([] { return 3; }), 3);
  EXPECT_EQ(ss::ProgressReporter::Global().GetStyle(), ss::ProgressReporter::Style::Slicer);

  ::testing::internal::CaptureStderr();
  const int rc = ss::RunModule(
    []() -> int { SS_INPUT_ERROR("spots.csv", "x", "is not a number on line 3", "write micrometres as numbers"); });
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(err, "spots.csv: x: is not a number on line 3. Fix: write micrometres as numbers\n");

  ::testing::internal::CaptureStderr();
  EXPECT_EQ(ss::RunModule([]() -> int { throw std::runtime_error("first line\nbacktrace"); }), 1);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "first line\n");

  ::testing::internal::CaptureStderr();
  EXPECT_EQ(ss::RunModule([]() -> int { throw 42; }), 1);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "unknown error (an exception that is not a std::exception)\n");
  ss::ProgressReporter::SetGlobalStyle(ss::ProgressReporter::Style::None);
}

TEST(CommandLine, RunModuleRefusesAnUnknownProgressStyle)
{
  ScopedEnvironment env("SUPERSPOT_PROGRESS", "loud");
  bool ran = false;
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(ss::RunModule(
              [&]
              {
                ran = true;
                return 0;
              }),
            1);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(ran);
  EXPECT_NE(err.find("SUPERSPOT_PROGRESS"), std::string::npos) << err;
}
