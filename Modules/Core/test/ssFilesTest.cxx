#include "ssError.h"
#include "ssFiles.h"
#include "ssTextTable.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <algorithm>
#include <vector>

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

namespace
{
std::vector<std::string> Entries(const std::string & dir)
{
  std::vector<std::string> names;
  for (const auto & e : fs::directory_iterator(dir))
  {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}
} // namespace

TEST(OutputDirectory, WholeFolderIsWrittenAtomically)
{
  const std::string root = std::string(::testing::TempDir()) + "/atomic-folder";
  fs::remove_all(root);
  const std::string out = root + "/set";
  auto writeSet = [](const std::string & content)
  {
    return [content](const std::string & tmp)
    {
      EXPECT_NE(tmp.find("/.set.tmp-"), std::string::npos) << tmp;
      ss::WriteTextFileAtomically(tmp + "/a.txt", content);
    };
  };
  // Absent: created, parents included.
  ss::WriteDirectoryAtomically(out, false, writeSet("1"));
  EXPECT_EQ(ss::ReadWholeFile(out + "/a.txt"), "1");
  EXPECT_EQ(Entries(root), std::vector<std::string>{ "set" });

  // Non-empty: refused without overwrite, and `write` never runs.
  bool ran = false;
  EXPECT_THROW(ss::WriteDirectoryAtomically(out, false, [&](const std::string &) { ran = true; }), ss::InputError);
  EXPECT_FALSE(ran);

  // A failing write leaves the old folder as it was and no temporary.
  EXPECT_THROW(ss::WriteDirectoryAtomically(out,
                                            true,
                                            [](const std::string & tmp)
                                            {
                                              ss::WriteTextFileAtomically(tmp + "/a.txt", "half");
                                              throw std::runtime_error("killed");
                                            }),
               std::runtime_error);
  EXPECT_EQ(ss::ReadWholeFile(out + "/a.txt"), "1");
  EXPECT_EQ(Entries(root), std::vector<std::string>{ "set" });

  // Overwrite replaces the folder as a whole: a stale file does not survive.
  ss::WriteTextFileAtomically(out + "/stale.txt", "old");
  ss::WriteDirectoryAtomically(out, true, writeSet("2"));
  EXPECT_EQ(Entries(out), std::vector<std::string>{ "a.txt" });
  EXPECT_EQ(ss::ReadWholeFile(out + "/a.txt"), "2");
  EXPECT_EQ(Entries(root), std::vector<std::string>{ "set" });

  // An empty folder is taken without overwrite; a file is refused.
  const std::string empty = root + "/empty";
  ss::CreateDirectories(empty);
  ss::WriteDirectoryAtomically(empty + "/", false, [](const std::string & tmp) { ss::WriteTextFileAtomically(tmp + "/b", "3"); });
  EXPECT_EQ(ss::ReadWholeFile(empty + "/b"), "3");
  EXPECT_THROW(ss::WriteDirectoryAtomically(empty + "/b", true, [](const std::string &) {}), ss::InputError);
}
