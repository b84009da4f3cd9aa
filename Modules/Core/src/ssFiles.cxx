#include "ssFiles.h"

#include "ssError.h"
#include "ssTextTable.h"

#include <boost/filesystem.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = boost::filesystem;

namespace ss
{

std::string TemporaryPathFor(const std::string & path)
{
  static std::atomic<unsigned> counter{ 0 };
  const fs::path p(path);
  const std::string name = p.filename().string();
  // Keep every extension ("maps.nii.gz", "x.nrrd") so ITK picks the same ImageIO.
  const auto dot = name.find('.', 1);
  const std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
  const std::string ext = dot == std::string::npos ? "" : name.substr(dot);
  const std::string tmpName = "." + stem + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ext;
  return (p.parent_path() / tmpName).string();
}

void WriteAtomically(const std::string & path, const std::function<void(const std::string &)> & write)
{
  const std::string tmp = TemporaryPathFor(path);
  try
  {
    write(tmp);
  }
  catch (...)
  {
    boost::system::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  boost::system::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
  {
    fs::remove(tmp, ec);
    SS_INPUT_ERROR(path, "output", "cannot replace the file: " + ec.message(), "check the output folder's permissions and free space");
  }
}

void WriteTextFileAtomically(const std::string & path, const std::string & content)
{
  WriteAtomically(path, [&content, &path](const std::string & tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out << content;
    out.flush();
    if (!out)
    {
      SS_INPUT_ERROR(path, "output", "cannot write the file", "check the output folder's permissions and free space");
    }
  });
}

void WriteGzipFileAtomically(const std::string & path, const std::string & content)
{
  WriteAtomically(path, [&content, &path](const std::string & tmp) {
    std::ofstream file(tmp, std::ios::binary);
    {
      boost::iostreams::filtering_ostream out;
      out.push(boost::iostreams::gzip_compressor());
      out.push(file);
      out << content;
    }
    file.flush();
    if (!file)
    {
      SS_INPUT_ERROR(path, "output", "cannot write the file", "check the output folder's permissions and free space");
    }
  });
}

void WriteJSONFileAtomically(const std::string & path, const nlohmann::json & value)
{
  WriteTextFileAtomically(path, value.dump(2) + "\n");
}

nlohmann::json ReadJSONFile(const std::string & path, const std::string & what)
{
  const std::string text = ReadWholeFile(path, what);
  try
  {
    return nlohmann::json::parse(text);
  }
  catch (const nlohmann::json::exception & e)
  {
    SS_INPUT_ERROR(path, what, std::string("not valid JSON (") + e.what() + ")", "check the file is complete and was not edited by hand");
  }
}

bool FileExists(const std::string & path)
{
  boost::system::error_code ec;
  return fs::is_regular_file(path, ec);
}

bool DirectoryExists(const std::string & path)
{
  boost::system::error_code ec;
  return fs::is_directory(path, ec);
}

void RequireFile(const std::string & path, const std::string & what, const std::string & fix)
{
  if (!FileExists(path))
  {
    SS_INPUT_ERROR(path, what, DirectoryExists(path) ? "is a folder, expected a file" : "file not found", fix);
  }
}

void RequireDirectory(const std::string & path, const std::string & what, const std::string & fix)
{
  if (!DirectoryExists(path))
  {
    SS_INPUT_ERROR(path, what, FileExists(path) ? "is a file, expected a folder" : "folder not found", fix);
  }
}

void CreateDirectories(const std::string & path)
{
  boost::system::error_code ec;
  fs::create_directories(path, ec);
  if (ec && !DirectoryExists(path))
  {
    SS_INPUT_ERROR(path, "output folder", "cannot create it: " + ec.message(), "choose a writable location");
  }
}

std::string JoinPath(const std::string & a, const std::string & b)
{
  return (fs::path(a) / b).string();
}

std::string FileName(const std::string & path)
{
  return fs::path(path).filename().string();
}

std::string ParentPath(const std::string & path)
{
  return fs::path(path).parent_path().string();
}

bool IsDirectoryEmpty(const std::string & path)
{
  boost::system::error_code ec;
  return !fs::exists(path, ec) || fs::is_empty(path, ec);
}

void PrepareOutputDirectory(const std::string & path, bool overwrite)
{
  if (FileExists(path))
  {
    SS_INPUT_ERROR(path, "output folder", "is an existing file", "choose a folder name");
  }
  if (DirectoryExists(path) && !IsDirectoryEmpty(path) && !overwrite)
  {
    SS_INPUT_ERROR(path, "output folder", "exists and is not empty", "choose a new folder, or pass --overwrite to replace its files");
  }
  CreateDirectories(path);
}

void WriteDirectoryAtomically(const std::string & path,
                              bool overwrite,
                              const std::function<void(const std::string &)> & write)
{
  if (FileExists(path))
  {
    SS_INPUT_ERROR(path, "output folder", "is an existing file", "choose a folder name");
  }
  const bool replacing = DirectoryExists(path) && !IsDirectoryEmpty(path);
  if (replacing && !overwrite)
  {
    SS_INPUT_ERROR(path, "output folder", "exists and is not empty", "choose a new folder, or pass --overwrite to replace it");
  }
  // The temporary sits beside the target, so the final rename stays on one file system.
  fs::path target(path);
  if (target.filename() == "." || target.filename().empty())
  {
    target = target.parent_path(); // "out/" names the folder "out"
  }
  const std::string parent = target.parent_path().string();
  if (!parent.empty())
  {
    CreateDirectories(parent);
  }
  const std::string tmp = TemporaryPathFor(target.string());
  boost::system::error_code ec;
  fs::create_directory(tmp, ec);
  if (ec)
  {
    SS_INPUT_ERROR(path, "output folder", "cannot create a folder beside it: " + ec.message(), "choose a writable location");
  }
  try
  {
    write(tmp);
  }
  catch (...)
  {
    fs::remove_all(tmp, ec);
    throw;
  }
  std::string aside;
  if (DirectoryExists(target.string()))
  {
    if (replacing)
    {
      aside = TemporaryPathFor(target.string());
      aside.replace(aside.find(".tmp-"), 5, ".old-");
      fs::rename(target, aside, ec);
    }
    else
    {
      fs::remove(target, ec); // empty: rename(2) could replace it, but Boost's rename may not
    }
    if (ec)
    {
      fs::remove_all(tmp, ec);
      SS_INPUT_ERROR(path, "output folder", "cannot replace it: " + ec.message(), "check the folder's permissions");
    }
  }
  fs::rename(tmp, target, ec);
  if (ec)
  {
    const std::string message = ec.message();
    if (!aside.empty())
    {
      fs::rename(aside, target, ec); // put the old folder back
    }
    fs::remove_all(tmp, ec);
    SS_INPUT_ERROR(path, "output folder", "cannot move the new folder into place: " + message, "check the folder's permissions");
  }
  if (!aside.empty())
  {
    fs::remove_all(aside, ec);
  }
}

} // namespace ss
