#ifndef ssCLITestUtilities_h
#define ssCLITestUtilities_h

// Running a CLI module in-process, as Slicer's CLI tests do: the module's entry point is
// called with an argv, and what it prints on standard error is captured.

#include "ssIOTestUtilities.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace ss
{
namespace test
{

/** What one run of a module gave. */
struct ModuleRun
{
  int exitCode = -1;
  std::string standardOutput;
  std::string standardError;
};

/** Calls `entryPoint` with argv = { name, arguments... }, in Slicer's progress style (so that
 * logs go to standard output and standard error carries only the failure). */
inline ModuleRun RunModuleInProcess(int (*entryPoint)(int, char *[]),
                                    const std::string & name,
                                    const std::vector<std::string> & arguments)
{
  ::setenv("SUPERSPOT_PROGRESS", "slicer", 1);
  std::vector<std::string> storage{ name };
  storage.insert(storage.end(), arguments.begin(), arguments.end());
  std::vector<char *> argv;
  for (auto & a : storage)
  {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  ModuleRun run;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  run.exitCode = entryPoint(static_cast<int>(storage.size()), argv.data());
  run.standardError = ::testing::internal::GetCapturedStderr();
  run.standardOutput = ::testing::internal::GetCapturedStdout();
  return run;
}

/** Expects a failed run: exit status 1 and exactly one line on standard error containing `text`. */
inline void ExpectOneLineError(const ModuleRun & run, const std::string & text)
{
  EXPECT_EQ(run.exitCode, 1) << run.standardOutput;
  EXPECT_EQ(std::count(run.standardError.begin(), run.standardError.end(), '\n'), 1) << run.standardError;
  EXPECT_NE(run.standardError.find(text), std::string::npos) << run.standardError;
}

} // namespace test
} // namespace ss

#endif
