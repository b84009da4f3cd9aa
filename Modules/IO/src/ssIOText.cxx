#include "ssIOText.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssTextTable.h"

#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <unordered_map>

namespace ss
{
namespace io
{

void AppendNumber(std::string & out, double value)
{
  char buffer[64];
  const auto r = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, r.ptr);
}

void AppendFloat(std::string & out, float value)
{
  char buffer[64];
  const auto r = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, r.ptr);
}

std::string NumberText(double value)
{
  std::string s;
  AppendNumber(s, value);
  return s;
}

void WriteStreamAtomically(const std::string & path,
                           bool gzip,
                           const std::function<void(std::ostream &)> & write,
                           int gzipLevel)
{
  if (gzip && (gzipLevel < 1 || gzipLevel > 9))
  {
    throw std::invalid_argument("WriteStreamAtomically: the gzip level must be 1 to 9, not " +
                                std::to_string(gzipLevel));
  }
  WriteAtomically(
    path,
    [&](const std::string & tmp)
    {
      std::ofstream file(tmp, std::ios::binary);
      if (!file)
      {
        SS_INPUT_ERROR(path, "output", "cannot create the file", "check the output folder exists and is writable");
      }
      if (gzip)
      {
        boost::iostreams::filtering_ostream out;
        out.push(boost::iostreams::gzip_compressor(boost::iostreams::gzip_params(gzipLevel)));
        out.push(file);
        write(out);
        out.flush();
        out.reset(); // writes the gzip trailer
      }
      else
      {
        write(file);
      }
      file.flush();
      if (!file)
      {
        SS_INPUT_ERROR(path, "output", "cannot write the file", "check the output folder's permissions and free space");
      }
    });
}

std::string FirstFew(const std::vector<std::string> & items, std::size_t n)
{
  std::string s;
  for (std::size_t i = 0; i < items.size() && i < n; ++i)
  {
    s += (i ? ", " : "") + items[i];
  }
  if (items.size() > n)
  {
    s += ", ... (" + std::to_string(items.size()) + " in all)";
  }
  return s;
}

float CountField(const DelimitedReader & reader, int column)
{
  const std::string_view f = reader.Fields()[static_cast<std::size_t>(column)];
  long long v = 0;
  const auto r = std::from_chars(f.data(), f.data() + f.size(), v);
  if (r.ec == std::errc() && r.ptr == f.data() + f.size())
  {
    return static_cast<float>(v);
  }
  return static_cast<float>(reader.Double(column));
}

double CoordinateField(const DelimitedReader & reader, int column)
{
  const double v = reader.Double(column);
  if (!std::isfinite(v) || std::abs(v) > MaxCoordinate)
  {
    SS_INPUT_ERROR(reader.Where(),
                   reader.ColumnName(column),
                   "'" + std::string(reader.Field(column)) + "' is not a position (a finite number within ±1e8)",
                   "fix or remove the row");
  }
  return v;
}

void RequirePlausibleMicronsPerPixel(double micronsPerPixel,
                                     const std::string & file,
                                     const std::string & field,
                                     const std::string & how,
                                     const std::string & fix)
{
  if (!(micronsPerPixel >= MinMicronsPerPixel && micronsPerPixel <= MaxMicronsPerPixel))
  {
    SS_INPUT_ERROR(file,
                   field,
                   how + " gives " + NumberText(micronsPerPixel) + " µm per pixel, outside the 0.01 to 100 of any image",
                   fix);
  }
}

std::vector<std::string> MakeNamesUnique(std::vector<std::string> & names, const std::vector<std::string> & ids)
{
  std::unordered_map<std::string, std::size_t> count;
  for (const auto & n : names)
  {
    ++count[n];
  }
  std::vector<std::string> duplicated;
  for (const auto & n : names)
  {
    auto it = count.find(n);
    if (it != count.end() && it->second > 1)
    {
      duplicated.push_back(n);
      it->second = 0; // list each name once
    }
  }
  if (duplicated.empty())
  {
    return duplicated;
  }
  std::unordered_map<std::string, bool> isDuplicated;
  for (const auto & d : duplicated)
  {
    isDuplicated[d] = true;
  }
  // Every original name stays taken, so a new name never collides with an existing gene.
  std::unordered_map<std::string, bool> used;
  for (const auto & n : names)
  {
    used[n] = true;
  }
  for (std::size_t i = 0; i < names.size(); ++i)
  {
    if (!isDuplicated.count(names[i]))
    {
      continue;
    }
    const bool hasId = i < ids.size() && !ids[i].empty() && ids[i] != names[i];
    const std::string base = hasId ? names[i] + " (" + ids[i] + ")" : names[i];
    std::string candidate = hasId ? base : base + " #1";
    // Ids can repeat too (or be absent): number until the name is free.
    for (std::size_t k = 2; used.count(candidate); ++k)
    {
      candidate = base + " #" + std::to_string(k);
    }
    used[candidate] = true;
    names[i] = candidate;
  }
  return duplicated;
}

bool EndsWith(std::string_view text, std::string_view suffix)
{
  return text.size() >= suffix.size() && ToLower(text.substr(text.size() - suffix.size())) == ToLower(suffix);
}

bool StartsWith(std::string_view text, std::string_view prefix)
{
  return text.substr(0, prefix.size()) == prefix;
}

} // namespace io
} // namespace ss
