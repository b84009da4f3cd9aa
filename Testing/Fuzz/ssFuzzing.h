#ifndef ssFuzzing_h
#define ssFuzzing_h

// Shared by the libFuzzer targets of Testing/Fuzz (Documentation/Reliability.md).
//
// The readers take paths, so each input is written to files in a private folder (on
// /dev/shm when there is one) and read back from there. Inputs made of several files hold
// them one after another, separated by FileSeparator.
//
// What counts as a finding: a crash, a sanitizer report, a hang or a leak (libFuzzer's own
// checks), and also any exception other than ss::InputError: a reader must answer bad input
// with the one-line "FILE: FIELD: PROBLEM. Fix: FIX" the CLI modules print, not with a
// library's message ("vector::_M_range_check", "[json.exception.type_error.302]"). With
// SUPERSPOT_FUZZ_ANY_EXCEPTION=1 in the environment other exceptions are ignored too.

#include "ssError.h"
#include "ssProgress.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include <unistd.h>

namespace ss
{
namespace fuzz
{

/** Between the files of a multi-file input (the seeds have it; mutations keep it mostly). */
constexpr std::string_view FileSeparator = "\n=====superspot-fuzz-next-file=====\n";

/** The first `n` files of an input, split at FileSeparator; missing ones are empty. */
inline std::vector<std::string> SplitFiles(const std::uint8_t * data, std::size_t size, std::size_t n)
{
  const std::string_view all(reinterpret_cast<const char *>(data), size);
  std::vector<std::string> files;
  std::size_t begin = 0;
  while (files.size() + 1 < n)
  {
    const std::size_t end = all.find(FileSeparator, begin);
    if (end == std::string_view::npos)
    {
      break;
    }
    files.emplace_back(all.substr(begin, end - begin));
    begin = end + FileSeparator.size();
  }
  files.emplace_back(all.substr(std::min(begin, all.size())));
  files.resize(n);
  return files;
}

/** Joins files the way SplitFiles splits them (for the seed generator). */
inline std::string JoinFiles(const std::vector<std::string> & files)
{
  std::string all;
  for (std::size_t i = 0; i < files.size(); ++i)
  {
    if (i)
    {
      all += FileSeparator;
    }
    all += files[i];
  }
  return all;
}

/** This process's scratch folder, created on first use, removed at exit. */
inline const std::string & ScratchFolder()
{
  // On the heap and never freed: the exit handler that removes the folder runs after the
  // destructors of statics constructed before it was registered.
  static const std::string * folder = []
  {
    const char * tmp = std::getenv("TMPDIR");
    const std::filesystem::path base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (tmp && *tmp ? tmp : "/tmp");
    const auto * f = new std::string((base / ("superspot-fuzz-" + std::to_string(getpid()))).string());
    std::filesystem::create_directories(*f);
    std::atexit(
      []
      {
        std::error_code ec;
        std::filesystem::remove_all(ScratchFolder(), ec);
      });
    return f;
  }();
  return *folder;
}

/** The readers' notes and warnings go to standard output (the Slicer style), which the
 * fuzzers close (-close_fd_mask=1): millions of them would slow the runs. */
inline const bool QuietLogs = []
{
  ProgressReporter::SetGlobalStyle(ProgressReporter::Style::Slicer);
  SetLogVerbosity(0);
  return true;
}();

/** Writes `content` to ScratchFolder()/`name` (sub-folders must exist) and returns the path. */
inline std::string WriteFile(const std::string & name, std::string_view content)
{
  const std::string path = ScratchFolder() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out)
  {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

/** ScratchFolder()/`name`, created. */
inline std::string Folder(const std::string & name)
{
  const std::string path = ScratchFolder() + "/" + name;
  std::filesystem::create_directories(path);
  return path;
}

/** Runs `read`: an ss::InputError is the expected answer to bad input; any other exception
 * aborts (a finding), unless SUPERSPOT_FUZZ_ANY_EXCEPTION is set. */
template<typename TFunction>
void Read(TFunction && read)
{
  try
  {
    read();
  }
  catch (const InputError & e)
  {
    // The one line a CLI module prints: never empty.
    if (*e.what() == '\0')
    {
      std::fprintf(stderr, "ss::InputError with an empty message\n");
      std::abort();
    }
  }
  catch (const std::exception & e)
  {
    static const bool any = std::getenv("SUPERSPOT_FUZZ_ANY_EXCEPTION") != nullptr;
    if (!any)
    {
      std::fprintf(stderr, "not an ss::InputError: %s: %s\n", typeid(e).name(), e.what());
      std::abort();
    }
  }
}

} // namespace fuzz
} // namespace ss

#endif
