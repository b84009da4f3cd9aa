#include "ssTextTable.h"

#include "ssError.h"

#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace ss
{

struct InputFile::Impl
{
  std::ifstream file;
  boost::iostreams::filtering_istream filtered;
};

InputFile::InputFile(const std::string & path, const std::string & what)
  : m_Impl(std::make_unique<Impl>())
  , m_Path(path)
{
  m_Impl->file.open(path, std::ios::binary);
  if (!m_Impl->file)
  {
    SS_INPUT_ERROR(path, what, "cannot open the file (missing, renamed or unreadable)", "check the path and the file's permissions");
  }
  unsigned char magic[2] = { 0, 0 };
  m_Impl->file.read(reinterpret_cast<char *>(magic), 2);
  m_Compressed = m_Impl->file.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  m_Impl->file.clear();
  m_Impl->file.seekg(0);
  if (m_Compressed)
  {
    m_Impl->filtered.push(boost::iostreams::gzip_decompressor());
  }
  m_Impl->filtered.push(m_Impl->file);
}

InputFile::~InputFile() = default;

std::istream & InputFile::Stream()
{
  return m_Impl->filtered;
}

std::string ReadWholeFile(const std::string & path, const std::string & what)
{
  InputFile f(path, what);
  std::ostringstream os;
  try
  {
    os << f.Stream().rdbuf();
    if (f.Stream().bad())
    {
      throw boost::iostreams::gzip_error(boost::iostreams::gzip::bad_footer);
    }
  }
  catch (const boost::iostreams::gzip_error & e)
  {
    SS_INPUT_ERROR(path, what, std::string("corrupt gzip data (") + e.what() + ")", "re-download or re-export the file");
  }
  return os.str();
}

DelimitedReader::DelimitedReader(const std::string & path, char delimiter)
  : m_Path(path)
  , m_File(std::make_unique<InputFile>(path, "table"))
  , m_Delimiter(delimiter)
{
  if (m_Delimiter == 0)
  {
    // Sniff from the first line, then hand it to the first ReadHeader/Next.
    if (ReadLine())
    {
      m_Delimiter = m_Line.find('\t') != std::string::npos ? '\t' : ',';
      m_PendingFirstLine = true;
    }
    else
    {
      m_Delimiter = ',';
    }
  }
}

DelimitedReader::~DelimitedReader() = default;

bool DelimitedReader::ReadLine()
{
  try
  {
    if (!std::getline(m_File->Stream(), m_Line))
    {
      // Boost.Iostreams reports a corrupt or truncated gzip stream by setting badbit.
      if (m_File->Stream().bad())
      {
        SS_INPUT_ERROR(Where(), "gzip", "corrupt or truncated gzip data", "re-download or re-export the file");
      }
      return false;
    }
  }
  catch (const boost::iostreams::gzip_error & e)
  {
    SS_INPUT_ERROR(Where(), "gzip", std::string("corrupt or truncated gzip data (") + e.what() + ")", "re-download or re-export the file");
  }
  ++m_LineNumber;
  if (!m_Line.empty() && m_Line.back() == '\r')
  {
    m_Line.pop_back();
  }
  if (m_LineNumber == 1 && m_Line.size() >= 3 && static_cast<unsigned char>(m_Line[0]) == 0xEF &&
      static_cast<unsigned char>(m_Line[1]) == 0xBB && static_cast<unsigned char>(m_Line[2]) == 0xBF)
  {
    m_Line.erase(0, 3); // UTF-8 byte-order mark
  }
  return true;
}

void DelimitedReader::Split()
{
  m_Fields.clear();
  if (m_Line.find('"') == std::string::npos)
  {
    std::size_t b = 0;
    while (true)
    {
      const std::size_t e = m_Line.find(m_Delimiter, b);
      if (e == std::string::npos)
      {
        m_Fields.emplace_back(m_Line.data() + b, m_Line.size() - b);
        break;
      }
      m_Fields.emplace_back(m_Line.data() + b, e - b);
      b = e + 1;
    }
    return;
  }
  // Quoted fields: unquote into m_Unquoted; views point into it, so reserve first.
  m_Unquoted.clear();
  m_Unquoted.reserve(m_Line.size() + 1);
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::size_t i = 0;
  while (true)
  {
    const std::size_t start = m_Unquoted.size();
    if (i < m_Line.size() && m_Line[i] == '"')
    {
      ++i;
      while (i < m_Line.size())
      {
        if (m_Line[i] == '"')
        {
          if (i + 1 < m_Line.size() && m_Line[i + 1] == '"')
          {
            m_Unquoted.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        m_Unquoted.push_back(m_Line[i++]);
      }
      while (i < m_Line.size() && m_Line[i] != m_Delimiter)
      {
        m_Unquoted.push_back(m_Line[i++]);
      }
    }
    else
    {
      while (i < m_Line.size() && m_Line[i] != m_Delimiter)
      {
        m_Unquoted.push_back(m_Line[i++]);
      }
    }
    spans.emplace_back(start, m_Unquoted.size() - start);
    if (i >= m_Line.size())
    {
      break;
    }
    ++i; // delimiter
  }
  for (const auto & s : spans)
  {
    m_Fields.emplace_back(m_Unquoted.data() + s.first, s.second);
  }
}

bool DelimitedReader::ReadHeader()
{
  if (m_PendingFirstLine)
  {
    m_PendingFirstLine = false;
  }
  else if (!ReadLine())
  {
    return false;
  }
  Split();
  m_Header.clear();
  for (const auto f : m_Fields)
  {
    m_Header.push_back(Trim(f));
  }
  return true;
}

int DelimitedReader::FindColumn(const std::string & name) const
{
  for (std::size_t i = 0; i < m_Header.size(); ++i)
  {
    if (m_Header[i] == name)
    {
      return static_cast<int>(i);
    }
  }
  const std::string lower = ToLower(name);
  for (std::size_t i = 0; i < m_Header.size(); ++i)
  {
    if (ToLower(m_Header[i]) == lower)
    {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int DelimitedReader::FindColumn(const std::vector<std::string> & names) const
{
  for (const auto & n : names)
  {
    const int c = FindColumn(n);
    if (c >= 0)
    {
      return c;
    }
  }
  return -1;
}

int DelimitedReader::RequireColumn(const std::string & name, const std::string & fix) const
{
  const int c = FindColumn(name);
  if (c < 0)
  {
    std::string present;
    for (std::size_t i = 0; i < m_Header.size() && i < 12; ++i)
    {
      present += (i ? ", " : "") + m_Header[i];
    }
    if (m_Header.size() > 12)
    {
      present += ", ...";
    }
    SS_INPUT_ERROR(m_Path, "column '" + name + "'", "missing from the header (columns present: " + present + ")", fix);
  }
  return c;
}

bool DelimitedReader::Next()
{
  while (true)
  {
    if (m_PendingFirstLine)
    {
      m_PendingFirstLine = false;
    }
    else if (!ReadLine())
    {
      return false;
    }
    if (m_Line.find_first_not_of(" \t") == std::string::npos)
    {
      continue;
    }
    Split();
    return true;
  }
}

std::string DelimitedReader::Where() const
{
  return m_Path + ":" + std::to_string(m_LineNumber);
}

std::string DelimitedReader::ColumnName(int i) const
{
  if (i >= 0 && static_cast<std::size_t>(i) < m_Header.size())
  {
    return "column '" + m_Header[i] + "'";
  }
  return "column " + std::to_string(i + 1);
}

std::string_view DelimitedReader::Field(int i) const
{
  if (i < 0 || static_cast<std::size_t>(i) >= m_Fields.size())
  {
    SS_INPUT_ERROR(Where(), ColumnName(i), "the row has only " + std::to_string(m_Fields.size()) + " fields", "every row needs as many fields as the header (check the delimiter and truncated lines)");
  }
  return m_Fields[i];
}

double DelimitedReader::Double(int i) const
{
  std::string_view f = Field(i);
  while (!f.empty() && (f.front() == ' ' || f.front() == '"'))
  {
    f.remove_prefix(1);
  }
  while (!f.empty() && (f.back() == ' ' || f.back() == '"'))
  {
    f.remove_suffix(1);
  }
  if (!f.empty() && f.front() == '+')
  {
    f.remove_prefix(1);
  }
  double v = 0;
  const auto r = std::from_chars(f.data(), f.data() + f.size(), v);
  if (r.ec != std::errc() || r.ptr != f.data() + f.size())
  {
    const std::string lower = ToLower(f);
    if (lower == "nan" || lower == "na")
    {
      return std::nan("");
    }
    SS_INPUT_ERROR(Where(), ColumnName(i), "'" + std::string(Field(i)) + "' is not a number", "fix or remove the row");
  }
  return v;
}

long long DelimitedReader::Integer(int i) const
{
  const double v = Double(i);
  if (!std::isfinite(v) || v != std::floor(v))
  {
    SS_INPUT_ERROR(Where(), ColumnName(i), "'" + std::string(Field(i)) + "' is not an integer", "fix or remove the row");
  }
  // Beyond 2^53 a double no longer holds every integer, and beyond 2^63 the conversion is
  // undefined behaviour: no field SuperSpot reads holds such numbers.
  constexpr double largest = 9007199254740992.0; // 2^53
  if (std::abs(v) > largest)
  {
    SS_INPUT_ERROR(Where(),
                   ColumnName(i),
                   "'" + std::string(Field(i)) + "' is too large for an integer here",
                   "fix or remove the row");
  }
  return static_cast<long long>(v);
}

long long DelimitedReader::Integer(int i, long long minimum, long long maximum) const
{
  const long long v = Integer(i);
  if (v < minimum || v > maximum)
  {
    SS_INPUT_ERROR(Where(),
                   ColumnName(i),
                   "'" + std::string(Field(i)) + "' is outside " + std::to_string(minimum) + ".." +
                     std::to_string(maximum),
                   "fix or remove the row");
  }
  return v;
}

std::vector<std::string> SplitString(std::string_view text, char delimiter)
{
  std::vector<std::string> parts;
  std::size_t b = 0;
  while (true)
  {
    const std::size_t e = text.find(delimiter, b);
    if (e == std::string_view::npos)
    {
      parts.emplace_back(text.substr(b));
      break;
    }
    parts.emplace_back(text.substr(b, e - b));
    b = e + 1;
  }
  return parts;
}

std::string Trim(std::string_view text)
{
  const auto b = text.find_first_not_of(" \t\r\n\"");
  if (b == std::string_view::npos)
  {
    return {};
  }
  const auto e = text.find_last_not_of(" \t\r\n\"");
  return std::string(text.substr(b, e - b + 1));
}

std::string ToLower(std::string_view text)
{
  std::string s(text);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Join(const std::vector<std::string> & parts, const std::string & separator)
{
  std::string s;
  for (std::size_t i = 0; i < parts.size(); ++i)
  {
    if (i)
    {
      s += separator;
    }
    s += parts[i];
  }
  return s;
}

std::vector<std::string> ReadNameList(const std::string & path, const std::string & what)
{
  InputFile f(path, what);
  std::vector<std::string> names;
  std::string line;
  while (std::getline(f.Stream(), line))
  {
    const auto hash = line.find('#');
    if (hash != std::string::npos)
    {
      line.resize(hash);
    }
    // Accept one name per line, or a comma/tab separated first column.
    const auto cut = line.find_first_of(",\t");
    if (cut != std::string::npos)
    {
      line.resize(cut);
    }
    std::string name = Trim(line);
    if (!name.empty())
    {
      names.push_back(name);
    }
  }
  if (names.empty())
  {
    SS_INPUT_ERROR(path, what, "the list is empty", "write one name per line");
  }
  return names;
}

} // namespace ss
