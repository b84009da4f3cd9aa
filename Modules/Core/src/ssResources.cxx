#include "ssResources.h"

#include <fstream>
#include <string>

namespace ss
{

double PeakResidentMemoryMiB()
{
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
  {
    if (line.rfind("VmHWM:", 0) == 0)
    {
      return std::stod(line.substr(6)) / 1024.0; // "VmHWM:   123456 kB"
    }
  }
  return 0;
}

bool ResetPeakResidentMemory()
{
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

} // namespace ss
