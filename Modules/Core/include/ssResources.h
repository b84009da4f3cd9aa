#ifndef ssResources_h
#define ssResources_h

#include "SuperSpotCoreExport.h"

#include <chrono>

namespace ss
{

/** Wall seconds since `start` (std::chrono::steady_clock): what run.json files and the
 * benchmarks report as stage timings. */
inline double SecondsSince(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/** Peak resident memory of this process (Linux's VmHWM in /proc/self/status), MiB; 0 where it
 * cannot be read. Since the last ResetPeakResidentMemory(), where that succeeded. */
SuperSpotCore_EXPORT double PeakResidentMemoryMiB();

/** Resets the peak resident memory to the current resident size (Linux >= 4.0:
 * /proc/self/clear_refs, "5"), so the next PeakResidentMemoryMiB() is the peak of what runs
 * after; false where the kernel does not allow it. */
SuperSpotCore_EXPORT bool ResetPeakResidentMemory();

} // namespace ss

#endif
