#include "ssResources.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <thread>

#if defined(__SANITIZE_ADDRESS__)
#  define SS_ASAN 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define SS_ASAN 1
#  endif
#endif

TEST(Resources, PeakResidentMemoryFollowsAnAllocationAndResets)
{
  const double before = ss::PeakResidentMemoryMiB();
  ASSERT_GT(before, 0) << "VmHWM is readable on Linux";
  {
    // 256 MiB touched page by page: the peak must rise by about that much.
    constexpr std::size_t bytes = std::size_t(256) << 20;
    std::unique_ptr<char[]> block(new char[bytes]);
    std::memset(block.get(), 1, bytes);
    EXPECT_GT(ss::PeakResidentMemoryMiB(), before + 200);
    EXPECT_EQ(block[bytes - 1], 1);
  }
#ifndef SS_ASAN // AddressSanitizer keeps freed memory in its quarantine, resident
  if (ss::ResetPeakResidentMemory())
  {
    EXPECT_LT(ss::PeakResidentMemoryMiB(), before + 100) << "the freed block no longer counts";
  }
#endif
}

TEST(Resources, SecondsSinceCountsWallTime)
{
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double s = ss::SecondsSince(start);
  EXPECT_GE(s, 0.019);
  EXPECT_LT(s, 5.0);
}
