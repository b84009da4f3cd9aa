#include "ssCommandLine.h"

#include "ssError.h"
#include "ssFiles.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <sstream>
#include <system_error>

#ifdef _WIN32
#include <io.h>
#define SS_ISATTY _isatty
#define SS_FILENO _fileno
#else
#include <unistd.h>
#define SS_ISATTY isatty
#define SS_FILENO fileno
#endif

namespace ss
{

namespace
{
std::string Trimmed(const std::string & s)
{
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
  {
    return {};
  }
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

[[noreturn]] void NotA(const std::string & what, const std::string & text, const std::string & kind)
{
  throw CommandLineError(what + ": '" + text + "' is not " + kind);
}

template<typename T>
T ParseNumber(const std::string & text, const std::string & what, const char * kind)
{
  std::string t = Trimmed(text);
  // from_chars takes no leading '+', which users (and istream) do write.
  if (t.size() > 1 && t[0] == '+' && t[1] != '-' && t[1] != '+')
  {
    t.erase(0, 1);
  }
  T value{};
  const char * first = t.data();
  const char * last = t.data() + t.size();
  const auto result = std::from_chars(first, last, value);
  if (t.empty() || result.ec == std::errc::invalid_argument || result.ptr != last)
  {
    NotA(what, text, kind);
  }
  if (result.ec == std::errc::result_out_of_range)
  {
    throw CommandLineError(what + ": '" + text + "' is out of the range of " + kind);
  }
  if constexpr (std::is_floating_point_v<T>)
  {
    if (!std::isfinite(value))
    {
      NotA(what, text, "a finite number");
    }
  }
  return value;
}

template<typename T>
std::string FormatFloatingPoint(T value)
{
  char buffer[64];
  // Shortest text that reads back to the same value: 0.1f prints as "0.1", not 0.100000001.
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}
} // namespace

CommandLineError::CommandLineError(const std::string & message)
  : std::runtime_error(message)
{
}

CommandLineError::~CommandLineError() = default;

bool ArgumentsRequestXML(int argc, const char * const * argv)
{
  for (int i = 1; i < argc; ++i)
  {
    if (argv[i] && std::strcmp(argv[i], "--xml") == 0)
    {
      return true;
    }
  }
  return false;
}

template<>
SuperSpotCommandLine_EXPORT int ParseValue<int>(const std::string & text, const std::string & what)
{
  return ParseNumber<int>(text, what, "an integer");
}

template<>
SuperSpotCommandLine_EXPORT float ParseValue<float>(const std::string & text, const std::string & what)
{
  return ParseNumber<float>(text, what, "a number");
}

template<>
SuperSpotCommandLine_EXPORT double ParseValue<double>(const std::string & text, const std::string & what)
{
  return ParseNumber<double>(text, what, "a number");
}

template<>
SuperSpotCommandLine_EXPORT bool ParseValue<bool>(const std::string & text, const std::string & what)
{
  const std::string t = Trimmed(text);
  if (t == "true")
  {
    return true;
  }
  if (t == "false")
  {
    return false;
  }
  NotA(what, text, "true or false");
}

template<>
SuperSpotCommandLine_EXPORT std::string ParseValue<std::string>(const std::string & text, const std::string &)
{
  return text;
}

template<typename T>
std::vector<T> ParseList(const std::string & text, const std::string & what)
{
  std::vector<T> values;
  if (Trimmed(text).empty())
  {
    return values;
  }
  std::size_t start = 0;
  while (true)
  {
    const auto comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if constexpr (std::is_same_v<T, std::string>)
    {
      values.push_back(Trimmed(item));
    }
    else
    {
      if (Trimmed(item).empty())
      {
        throw CommandLineError(what + ": '" + text + "' has an empty item; write comma-separated values such as 1,2,3");
      }
      values.push_back(ParseValue<T>(item, what));
    }
    if (comma == std::string::npos)
    {
      break;
    }
    start = comma + 1;
  }
  return values;
}

template SuperSpotCommandLine_EXPORT std::vector<int> ParseList<int>(const std::string &, const std::string &);
template SuperSpotCommandLine_EXPORT std::vector<float> ParseList<float>(const std::string &, const std::string &);
template SuperSpotCommandLine_EXPORT std::vector<double> ParseList<double>(const std::string &, const std::string &);
template SuperSpotCommandLine_EXPORT std::vector<std::string> ParseList<std::string>(const std::string &,
                                                                                     const std::string &);

std::vector<float> ParsePoint(const std::string & text, std::size_t components, const std::string & what)
{
  auto p = ParseList<float>(text, what);
  if (p.size() != components)
  {
    throw CommandLineError(what + ": '" + text + "' has " + std::to_string(p.size()) + " coordinates; " +
                           (components == 3 ? "a point is x,y,z" : "a region is x,y,z,rx,ry,rz"));
  }
  return p;
}

void CheckRange(double value,
                const std::string & valueText,
                bool hasMinimum,
                double minimum,
                bool hasMaximum,
                double maximum,
                const std::string & what,
                const std::string & source)
{
  if (hasMinimum && value < minimum)
  {
    throw CommandLineError(what + ": " + valueText + " is below the minimum " + FormatValue(minimum) + " of " + source);
  }
  if (hasMaximum && value > maximum)
  {
    throw CommandLineError(what + ": " + valueText + " is above the maximum " + FormatValue(maximum) + " of " + source);
  }
}

void CheckPositional(const std::string & value, const std::string & name)
{
  if (value.size() < 2 || value[0] != '-')
  {
    return;
  }
  double number = 0;
  const auto result = std::from_chars(value.data(), value.data() + value.size(), number);
  if (result.ec == std::errc() && result.ptr == value.data() + value.size())
  {
    return;
  }
  throw CommandLineError("'" + value + "' is not an option of this module, and <" + name +
                         "> does not start with a dash; check the spelling in --help");
}

std::string FormatValue(int value)
{
  return std::to_string(value);
}

std::string FormatValue(float value)
{
  return FormatFloatingPoint(value);
}

std::string FormatValue(double value)
{
  return FormatFloatingPoint(value);
}

std::string FormatValue(bool value)
{
  return value ? "true" : "false";
}

std::string FormatValue(const std::string & value)
{
  std::string s = value;
  for (auto & c : s)
  {
    if (c == '\n' || c == '\r')
    {
      c = ' ';
    }
  }
  return s;
}

std::string FormatValue(const char * value)
{
  return FormatValue(std::string(value ? value : ""));
}

std::string FormatValue(const std::vector<std::vector<float>> & points)
{
  std::string s;
  for (std::size_t i = 0; i < points.size(); ++i)
  {
    s += (i ? ";" : "") + FormatValue(points[i]);
  }
  return s;
}

void EchoParameters(std::ostream & os, const std::vector<std::pair<std::string, std::string>> & nameValues)
{
  os << "Command Line Arguments\n";
  for (const auto & [name, value] : nameValues)
  {
    os << "    " << name << ": " << value << "\n";
  }
  os << std::flush;
}

void WriteReturnParameterFile(const std::string & path,
                              const std::vector<std::pair<std::string, std::string>> & nameValues)
{
  if (path.empty())
  {
    return;
  }
  std::ostringstream os;
  for (const auto & [name, value] : nameValues)
  {
    os << name << " = " << value << "\n";
  }
  WriteTextFileAtomically(path, os.str());
}

ProgressReporter::Style ProgressStyleFromEnvironment()
{
  if (const char * env = std::getenv("SUPERSPOT_PROGRESS"))
  {
    const std::string value = Trimmed(env);
    if (value == "slicer")
    {
      return ProgressReporter::Style::Slicer;
    }
    if (value == "console")
    {
      return ProgressReporter::Style::Console;
    }
    if (value == "none")
    {
      return ProgressReporter::Style::None;
    }
    if (!value.empty())
    {
      SS_INPUT_ERROR("environment",
                     "SUPERSPOT_PROGRESS",
                     "'" + value + "' is not a progress style",
                     "set it to slicer, console or none, or unset it");
    }
  }
  return SS_ISATTY(SS_FILENO(stdout)) ? ProgressReporter::Style::Console : ProgressReporter::Style::Slicer;
}

int RunModule(const std::function<int()> & body)
{
  try
  {
    ProgressReporter::SetGlobalStyle(ProgressStyleFromEnvironment());
    return body();
  }
  catch (const std::exception & e)
  {
    std::cout.flush();
    std::cerr << OneLineMessage(e) << std::endl;
  }
  catch (...)
  {
    std::cout.flush();
    std::cerr << "unknown error (an exception that is not a std::exception)" << std::endl;
  }
  return 1;
}

} // namespace ss
