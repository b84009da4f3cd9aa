#ifndef ssSimulationTestUtilities_h
#define ssSimulationTestUtilities_h

#include "ssError.h"
#include "ssTissueSimulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

/** Expects `statement` to throw ss::InputError whose message contains `text`. */
#define SS_EXPECT_INPUT_ERROR(statement, text)                                                                         \
  do                                                                                                                   \
  {                                                                                                                    \
    try                                                                                                                \
    {                                                                                                                  \
      statement;                                                                                                       \
      ADD_FAILURE() << "expected ss::InputError containing '" << (text) << "'";                                        \
    }                                                                                                                  \
    catch (const ::ss::InputError & e)                                                                                 \
    {                                                                                                                  \
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();                                      \
    }                                                                                                                  \
  } while (false)

namespace sstest
{

inline std::shared_ptr<const ss::SimulatedTissue> Simulate(const ss::SimulationParameters & p,
                                                           unsigned int workUnits = 0)
{
  auto simulator = ss::TissueSimulator::New();
  simulator->SetParameters(p);
  simulator->SetNumberOfWorkUnits(workUnits);
  return simulator->Simulate();
}

inline ss::SimulationParameters Square(double sizeUm, std::uint64_t seed = 0)
{
  ss::SimulationParameters p;
  p.widthUm = sizeUm;
  p.heightUm = sizeUm;
  p.seed = seed;
  return p;
}

inline double Pearson(const std::vector<double> & a, const std::vector<double> & b)
{
  const std::size_t n = a.size();
  double ma = 0;
  double mb = 0;
  for (std::size_t i = 0; i < n; ++i)
  {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  double sab = 0;
  double saa = 0;
  double sbb = 0;
  for (std::size_t i = 0; i < n; ++i)
  {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0;
}

/** Mean within-module and between-module Pearson r over gene pairs of rows[gene][sample]. */
inline std::pair<double, double> ModuleCorrelations(const std::vector<std::vector<double>> & rows,
                                                    const std::vector<int> & modules)
{
  double within = 0;
  double between = 0;
  std::size_t nWithin = 0;
  std::size_t nBetween = 0;
  for (std::size_t g = 0; g < rows.size(); ++g)
  {
    for (std::size_t h = g + 1; h < rows.size(); ++h)
    {
      if (modules[g] < 0 || modules[h] < 0)
      {
        continue;
      }
      const double r = Pearson(rows[g], rows[h]);
      if (modules[g] == modules[h])
      {
        within += r;
        ++nWithin;
      }
      else
      {
        between += r;
        ++nBetween;
      }
    }
  }
  return { within / nWithin, between / nBetween };
}

} // namespace sstest

#endif
