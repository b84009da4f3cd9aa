#ifndef ssModuleDescriptionInternal_h
#define ssModuleDescriptionInternal_h

// Shared by the parser and the checker of module descriptions; not installed.

#include "ssModuleDescription.h"

#include <string>
#include <vector>

namespace ss
{
namespace detail
{

inline std::string Trim(const std::string & s)
{
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
  {
    return {};
  }
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

/** Appends "SOURCE:LINE: WHERE: PROBLEM. Fix: FIX" (no ":LINE" when unknown, 0) under `rule`. */
inline void AddProblem(std::vector<ModuleDescriptionProblem> & problems,
                       const std::string & rule,
                       const std::string & source,
                       int line,
                       const std::string & where,
                       const std::string & problem,
                       const std::string & fix)
{
  std::string m = source + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + where + ": " + problem;
  if (!fix.empty())
  {
    m += ". Fix: " + fix;
  }
  problems.push_back({ rule, m });
}

} // namespace detail
} // namespace ss

#endif
