#include "ssNoiseField.h"

#include <cmath>

namespace ss
{

namespace
{

std::uint64_t SplitMix64(std::uint64_t x)
{
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::uint64_t Mix(std::uint64_t h, std::uint64_t v)
{
  return SplitMix64(h ^ SplitMix64(v));
}

/** A uniform variate in (0, 1) from the top 53 bits (never 0, so the logarithm is finite). */
double Uniform(std::uint64_t bits)
{
  return (static_cast<double>(bits >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

} // namespace

float NoiseField::Value(std::uint32_t k, std::uint32_t g, itk::IndexValueType x, itk::IndexValueType y) const
{
  std::uint64_t h = Mix(SplitMix64(m_Seed), (static_cast<std::uint64_t>(k) << 32) | g);
  h = Mix(h, static_cast<std::uint64_t>(x));
  h = Mix(h, static_cast<std::uint64_t>(y));
  const double u1 = Uniform(h);
  const double u2 = Uniform(SplitMix64(h));
  const double pi = 3.14159265358979323846;
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * pi * u2));
}

void NoiseField::FillPatch(const IndexType & first,
                           unsigned int patchSize,
                           unsigned int samples,
                           unsigned int genes,
                           float * out) const
{
  std::size_t at = 0;
  for (unsigned int k = 0; k < samples; ++k)
  {
    for (unsigned int g = 0; g < genes; ++g)
    {
      for (unsigned int y = 0; y < patchSize; ++y)
      {
        for (unsigned int x = 0; x < patchSize; ++x)
        {
          out[at++] = Value(k, g, first[0] + x, first[1] + y);
        }
      }
    }
  }
}

std::uint64_t NoiseField::PatchSeed(const IndexType & patch) const
{
  return Mix(Mix(SplitMix64(m_Seed ^ 0x5EEDull), static_cast<std::uint64_t>(patch[0])),
             static_cast<std::uint64_t>(patch[1]));
}

} // namespace ss
