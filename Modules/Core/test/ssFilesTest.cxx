#include "ssError.h"
#include "ssFiles.h"
#include "ssTextTable.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

namespace fs = boost::filesystem;

TEST(AtomicFiles, FailedWriteLeavesThePreviousFile)
{
  const std::string dir = std::string(::testing::TempDir()) + "/atomic";
  fs::remove_all(dir);
  ss::CreateDirectories(dir);
  const std::string path = dir + "/run.json";
  ss::WriteTextFileAtomically(path, "old");
  EXPECT_THROW(ss::WriteAtomically(path,
                                   [](const std::string & tmp) {
                                     ss::WriteTextFileAtomically(tmp, "half");
                                     throw std::runtime_error("killed");
                                   }),
               std::runtime_error);
  EXPECT_EQ(ss::ReadWholeFile(path), "old");
  // No temporaries left behind.
  std::size_t n = 0;
  for (const auto & e : fs::directory_iterator(dir))
  {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 1u);
  ss::WriteJSONFileAtomically(path, nlohmann::json{ { "a", 1 } });
  EXPECT_EQ(ss::ReadJSONFile(path)["a"], 1);
}

TEST(AtomicFiles, TemporaryKeepsExtensions)
{
  const auto t = ss::TemporaryPathFor("/out/mean.nii.gz");
  EXPECT_EQ(t.substr(0, 11), "/out/.mean.");
  EXPECT_EQ(t.substr(t.size() - 7), ".nii.gz");
}

TEST(OutputDirectory, NonEmptyIsRefusedWithoutOverwrite)
{
  const std::string dir = std::string(::testing::TempDir()) + "/outdir";
  fs::remove_all(dir);
  ss::PrepareOutputDirectory(dir, false);
  ss::WriteTextFileAtomically(dir + "/x.txt", "1");
  EXPECT_THROW(ss::PrepareOutputDirectory(dir, false), ss::InputError);
  EXPECT_NO_THROW(ss::PrepareOutputDirectory(dir, true));
  EXPECT_THROW(ss::ReadJSONFile(dir + "/x.txt.missing"), ss::InputError);
  ss::WriteTextFileAtomically(dir + "/broken.json", "{\"a\": ");
  EXPECT_THROW(ss::ReadJSONFile(dir + "/broken.json"), ss::InputError);
}
