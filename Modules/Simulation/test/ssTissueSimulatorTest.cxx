#include "ssError.h"
#include "ssSimulationTestUtilities.h"

#include "itkImageRegionConstIteratorWithIndex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

namespace
{

using sstest::Pearson;
using sstest::Simulate;
using sstest::Square;

void ExpectSameCells(const ss::SimulatedCells & a, const ss::SimulatedCells & b)
{
  ASSERT_EQ(a.Size(), b.Size());
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.domain, b.domain);
  EXPECT_EQ(a.radius, b.radius);
  EXPECT_EQ(a.nucleusX, b.nucleusX);
  EXPECT_EQ(a.nucleusY, b.nucleusY);
  EXPECT_EQ(a.nucleusMajor, b.nucleusMajor);
  EXPECT_EQ(a.nucleusMinor, b.nucleusMinor);
  EXPECT_EQ(a.nucleusAngle, b.nucleusAngle);
  EXPECT_EQ(a.nucleusStain, b.nucleusStain);
}

} // namespace

TEST(TissueSimulator, SameSeedGivesTheSameSlideWhateverTheThreads)
{
  const auto p = Square(450, 11);
  const auto a = Simulate(p, 1);
  const auto b = Simulate(p, 3);
  ASSERT_GT(a->GetCells().Size(), 500u);
  ExpectSameCells(a->GetCells(), b->GetCells());
  EXPECT_EQ(a->GetCellCounts().GetColumnPointers(), b->GetCellCounts().GetColumnPointers());
  EXPECT_EQ(a->GetCellCounts().GetRowIndices(), b->GetCellCounts().GetRowIndices());
  EXPECT_EQ(a->GetCellCounts().GetValues(), b->GetCellCounts().GetValues());
  EXPECT_EQ(a->GetCellModuleActivity(), b->GetCellModuleActivity());

  std::vector<std::int32_t> cellsA;
  std::vector<std::int32_t> cellsB;
  const auto ma = a->MakeMolecules(&cellsA, 1);
  const auto mb = b->MakeMolecules(&cellsB, 4);
  EXPECT_EQ(ma.x, mb.x);
  EXPECT_EQ(ma.y, mb.y);
  EXPECT_EQ(ma.gene, mb.gene);
  EXPECT_EQ(cellsA, cellsB);

  std::vector<std::uint8_t> pa(300 * 200 * 3);
  std::vector<std::uint8_t> pb(pa.size());
  a->RenderRegion(250, 300, 300, 200, pa.data());
  b->RenderRegion(250, 300, 300, 200, pb.data());
  EXPECT_EQ(pa, pb);
}

TEST(TissueSimulator, DifferentSeedsGiveDifferentSlidesOfTheSameBiology)
{
  const auto a = Simulate(Square(450, 1));
  const auto b = Simulate(Square(450, 2));
  EXPECT_NE(a->GetCells().x, b->GetCells().x);
  EXPECT_NE(a->GetCells().Size(), b->GetCells().Size());
  std::vector<std::uint8_t> pa(300 * 200 * 3);
  std::vector<std::uint8_t> pb(pa.size());
  a->RenderRegion(250, 300, 300, 200, pa.data());
  b->RenderRegion(250, 300, 300, 200, pb.data());
  EXPECT_NE(pa, pb);
  // The profiles come from profileSeed: train and test slides share them.
  for (unsigned int t = 0; t < 6; ++t)
  {
    EXPECT_EQ(a->GetExpectedCounts(t), b->GetExpectedCounts(t));
  }
  auto other = Square(450, 1);
  other.profileSeed = 99;
  const auto c = Simulate(other);
  EXPECT_NE(a->GetExpectedCounts(0), c->GetExpectedCounts(0));
  EXPECT_EQ(a->GetCells().x, c->GetCells().x) << "the layout depends on seed only";
}

TEST(TissueSimulator, GenesModulesAndProfiles)
{
  auto p = Square(300);
  p.numberOfGenes = 40;
  p.numberOfModules = 6;
  p.housekeepingFraction = 0.1;
  const auto tissue = Simulate(p);
  const auto & genes = tissue->GetGeneNames();
  ASSERT_EQ(genes.size(), 40u);
  EXPECT_EQ(genes.front(), "SIM-G001");
  EXPECT_EQ(genes.back(), "SIM-G040");
  EXPECT_EQ(std::set<std::string>(genes.begin(), genes.end()).size(), 40u);
  const auto & modules = tissue->GetGeneModules();
  std::map<int, int> perModule;
  for (const int m : modules)
  {
    ++perModule[m];
  }
  EXPECT_EQ(perModule[-1], 4); // 10 % housekeeping
  for (int m = 0; m < 6; ++m)
  {
    EXPECT_EQ(perModule[m], 6) << "module " << m;
  }
  for (unsigned int t = 0; t < p.cellTypes.size(); ++t)
  {
    const auto e = tissue->GetExpectedCounts(t);
    double sum = 0;
    for (const double v : e)
    {
      EXPECT_GT(v, 0);
      sum += v;
    }
    EXPECT_NEAR(sum, p.meanMoleculesPerCell * p.cellTypes[t].relativeRNA, 1e-9);
  }
  EXPECT_THROW(tissue->GetExpectedCounts(6), std::out_of_range);
  EXPECT_EQ(tissue->GetCellTypeNames()[2], "Lymphocyte");
  EXPECT_EQ(tissue->GetDomainNames()[3], "Fat");
  EXPECT_EQ(tissue->GetCellModuleActivity().size(), tissue->GetCells().Size() * 6);
}

TEST(TissueSimulator, OutlineHolesAndDomains)
{
  auto p = Square(1000, 3);
  p.holesPerMm2 = 12;
  const auto tissue = Simulate(p);
  const auto labels = tissue->MakeDomainLabelImage(4);
  EXPECT_DOUBLE_EQ(labels->GetSpacing()[0], 4);
  EXPECT_DOUBLE_EQ(labels->GetOrigin()[0], 0);
  EXPECT_EQ(labels->GetLargestPossibleRegion().GetSize(0), 251u); // centres 0, 4, ..., 1000 µm

  std::vector<double> area(p.domains.size() + 1, 0);
  std::size_t innerBackground = 0;
  for (itk::ImageRegionConstIteratorWithIndex<ss::MaskImageType> it(labels, labels->GetBufferedRegion()); !it.IsAtEnd();
       ++it)
  {
    ASSERT_LE(it.Get(), p.domains.size());
    area[it.Get()] += 1;
    const auto i = it.GetIndex();
    const bool central = i[0] > 60 && i[0] < 190 && i[1] > 60 && i[1] < 190;
    innerBackground += central && it.Get() == 0;
    ss::PointType point;
    labels->TransformIndexToPhysicalPoint(i, point);
    ASSERT_EQ(static_cast<int>(it.Get()) - 1, tissue->DomainAt(point[0], point[1]));
    ASSERT_EQ(it.Get() > 0, tissue->IsInTissue(point[0], point[1]));
  }
  const double total = labels->GetLargestPossibleRegion().GetNumberOfPixels();
  const double tissueShare = 1 - area[0] / total;
  EXPECT_GT(tissueShare, 0.5);
  EXPECT_LT(tissueShare, 0.95);
  EXPECT_GT(innerBackground, 20u) << "holes cut into the tissue";
  EXPECT_EQ(tissue->MakeDomainLabelImage(4)->GetPixel({ { 0, 0 } }), 0) << "slide corners are background";
  // The biases are fitted to the area fractions.
  double fractionSum = 0;
  for (const auto & d : p.domains)
  {
    fractionSum += d.areaFraction;
  }
  for (std::size_t d = 0; d < p.domains.size(); ++d)
  {
    EXPECT_NEAR(area[d + 1] / (total - area[0]), p.domains[d].areaFraction / fractionSum, 0.05) << p.domains[d].name;
  }
  EXPECT_THROW(tissue->MakeDomainLabelImage(0), ss::InputError);
}

TEST(TissueSimulator, CellsFollowTheirDomains)
{
  const auto p = Square(1000, 5);
  const auto tissue = Simulate(p);
  const auto & cells = tissue->GetCells();
  const auto labels = tissue->MakeDomainLabelImage(2);
  std::vector<double> areaMm2(p.domains.size(), 0);
  for (itk::ImageRegionConstIteratorWithIndex<ss::MaskImageType> it(labels, labels->GetBufferedRegion()); !it.IsAtEnd();
       ++it)
  {
    if (it.Get() > 0)
    {
      areaMm2[it.Get() - 1] += 4e-6;
    }
  }
  std::vector<double> perDomain(p.domains.size(), 0);
  std::vector<std::vector<double>> typesPerDomain(p.domains.size(), std::vector<double>(p.cellTypes.size(), 0));
  std::size_t stayed = 0;
  for (std::size_t c = 0; c < cells.Size(); ++c)
  {
    ASSERT_TRUE(tissue->IsInTissue(cells.x[c], cells.y[c])) << "cell " << c;
    ASSERT_LT(cells.type[c], p.cellTypes.size());
    ++perDomain[cells.domain[c]];
    ++typesPerDomain[cells.domain[c]][cells.type[c]];
    stayed += tissue->DomainAt(cells.x[c], cells.y[c]) == cells.domain[c];
    EXPECT_LE(cells.nucleusMajor[c], cells.radius[c] + 1e-4);
    EXPECT_GE(cells.nucleusMajor[c], cells.nucleusMinor[c]);
  }
  EXPECT_GT(stayed, 0.95 * cells.Size()) << "relaxation moves cells by a few µm only";
  for (std::size_t d = 0; d < p.domains.size(); ++d)
  {
    const double density = perDomain[d] / areaMm2[d];
    std::cout << p.domains[d].name << ": " << perDomain[d] << " cells, " << density << " per mm² (target "
              << p.domains[d].cellDensityPerMm2 << ")" << std::endl;
    EXPECT_NEAR(density, p.domains[d].cellDensityPerMm2, 0.2 * p.domains[d].cellDensityPerMm2) << p.domains[d].name;
    double weightSum = 0;
    for (const double w : p.domains[d].cellTypeWeights)
    {
      weightSum += w;
    }
    for (std::size_t t = 0; t < p.cellTypes.size(); ++t)
    {
      const double expected = p.domains[d].cellTypeWeights[t] / weightSum;
      EXPECT_NEAR(
        typesPerDomain[d][t] / perDomain[d], expected, 4 * std::sqrt(expected * (1 - expected) / perDomain[d]) + 0.01)
        << p.domains[d].name << " / " << p.cellTypes[t].name;
    }
  }
}

TEST(TissueSimulator, NucleiDifferByType)
{
  const auto tissue = Simulate(Square(800, 8));
  const auto & cells = tissue->GetCells();
  std::vector<double> area(6, 0);
  std::vector<double> elongation(6, 0);
  std::vector<double> n(6, 0);
  for (std::size_t c = 0; c < cells.Size(); ++c)
  {
    area[cells.type[c]] += M_PI * cells.nucleusMajor[c] * cells.nucleusMinor[c];
    elongation[cells.type[c]] += cells.nucleusMajor[c] / cells.nucleusMinor[c];
    ++n[cells.type[c]];
  }
  for (int t = 0; t < 6; ++t)
  {
    ASSERT_GT(n[t], 5) << t;
    area[t] /= n[t];
    elongation[t] /= n[t];
  }
  EXPECT_GT(area[0], 1.4 * area[2]) << "tumour nuclei are larger than lymphocyte nuclei";
  EXPECT_GT(elongation[1], 2.5) << "fibroblasts are spindle-shaped";
  EXPECT_LT(elongation[2], 1.2) << "lymphocytes are round";
}

TEST(TissueSimulator, CountsAreNegativeBinomialWithTheTypeProfile)
{
  auto p = Square(1200, 21);
  // No cell-to-cell or spatial variation: the counts of a type are then exactly
  // NB(E_tg, dispersion), Var = μ + μ²/r.
  p.cellModuleSd = 0;
  p.cellSizeSd = 0;
  p.spatialModuleSd = 0;
  p.dispersion = 2.5;
  const auto tissue = Simulate(p);
  const auto & cells = tissue->GetCells();
  const auto & counts = tissue->GetCellCounts();
  const std::size_t G = p.numberOfGenes;
  ASSERT_EQ(counts.GetNumberOfGenes(), G);
  ASSERT_EQ(counts.GetNumberOfSpots(), cells.Size());
  EXPECT_EQ(counts.FindInvalidValue(true), "");

  const unsigned int type = 0; // tumour, the most numerous
  std::vector<std::size_t> members;
  for (std::size_t c = 0; c < cells.Size(); ++c)
  {
    if (cells.type[c] == type)
    {
      members.push_back(c);
    }
  }
  ASSERT_GT(members.size(), 3000u);
  const auto dense = counts.SelectSpots(members).DenseSpotMajor();
  const auto expected = tissue->GetExpectedCounts(type);
  const double n = static_cast<double>(members.size());
  std::size_t checked = 0;
  for (std::size_t g = 0; g < G; ++g)
  {
    double mean = 0;
    for (std::size_t c = 0; c < members.size(); ++c)
    {
      mean += dense[c * G + g] / n;
    }
    double variance = 0;
    for (std::size_t c = 0; c < members.size(); ++c)
    {
      variance += (dense[c * G + g] - mean) * (dense[c * G + g] - mean) / (n - 1);
    }
    const double mu = expected[g];
    const double nbVariance = mu + mu * mu / p.dispersion;
    EXPECT_NEAR(mean, mu, 5 * std::sqrt(nbVariance / n) + 1e-3) << tissue->GetGeneNames()[g];
    if (mu >= 1)
    {
      EXPECT_NEAR(variance / nbVariance, 1.0, 0.2) << tissue->GetGeneNames()[g] << " mean " << mu;
      EXPECT_GT(variance, 1.3 * mean) << "overdispersed";
      ++checked;
    }
  }
  EXPECT_GE(checked, 5u);

  // A huge dispersion is Poisson: variance = mean (the NB is not overdispersed by accident).
  p.dispersion = 1e6;
  const auto poisson = Simulate(p);
  std::vector<std::size_t> tumour;
  for (std::size_t c = 0; c < poisson->GetCells().Size(); ++c)
  {
    if (poisson->GetCells().type[c] == type)
    {
      tumour.push_back(c);
    }
  }
  const auto pd = poisson->GetCellCounts().SelectSpots(tumour).DenseSpotMajor();
  for (std::size_t g = 0; g < G; ++g)
  {
    if (expected[g] < 1)
    {
      continue;
    }
    double mean = 0;
    double square = 0;
    for (std::size_t c = 0; c < tumour.size(); ++c)
    {
      mean += pd[c * G + g] / tumour.size();
      square += pd[c * G + g] * pd[c * G + g] / tumour.size();
    }
    EXPECT_NEAR((square - mean * mean) / mean, 1.0, 0.15) << poisson->GetGeneNames()[g];
  }
}

TEST(TissueSimulator, DefaultCountsAreOverdispersedWithRealisticDepth)
{
  const auto p = Square(1000, 4);
  const auto tissue = Simulate(p);
  const auto & counts = tissue->GetCellCounts();
  const auto totals = counts.SpotTotals();
  double mean = 0;
  for (const double t : totals)
  {
    mean += t / totals.size();
  }
  std::cout << "molecules per cell: " << mean << std::endl;
  EXPECT_GT(mean, 0.7 * p.meanMoleculesPerCell);
  EXPECT_LT(mean, 1.3 * p.meanMoleculesPerCell);
  const auto dense = counts.DenseSpotMajor();
  const std::size_t G = p.numberOfGenes;
  const std::size_t N = totals.size();
  for (std::size_t g = 0; g < G; ++g)
  {
    double m = 0;
    double s = 0;
    for (std::size_t c = 0; c < N; ++c)
    {
      m += dense[c * G + g] / N;
      s += dense[c * G + g] * dense[c * G + g] / N;
    }
    EXPECT_GT(s - m * m, m) << tissue->GetGeneNames()[g];
    if (m >= 1)
    {
      EXPECT_GT(s - m * m, 1.5 * m) << tissue->GetGeneNames()[g];
    }
  }
}

TEST(TissueSimulator, GenesOfAModuleAreCoExpressed)
{
  const auto p = Square(1000, 6);
  const auto tissue = Simulate(p);
  const auto & cells = tissue->GetCells();
  const std::size_t G = p.numberOfGenes;
  // Across cells of one type, so that type composition does not drive the correlation.
  std::vector<std::size_t> tumour;
  for (std::size_t c = 0; c < cells.Size(); ++c)
  {
    if (cells.type[c] == 0)
    {
      tumour.push_back(c);
    }
  }
  const auto dense = tissue->GetCellCounts().SelectSpots(tumour).DenseSpotMajor();
  std::vector<std::vector<double>> rows(G, std::vector<double>(tumour.size()));
  for (std::size_t c = 0; c < tumour.size(); ++c)
  {
    for (std::size_t g = 0; g < G; ++g)
    {
      rows[g][c] = std::log1p(dense[c * G + g]);
    }
  }
  const auto cellLevel = sstest::ModuleCorrelations(rows, tissue->GetGeneModules());
  std::cout << "cells: mean r within modules " << cellLevel.first << ", between " << cellLevel.second << std::endl;
  EXPECT_GT(cellLevel.first, cellLevel.second + 0.05);

  // Across 20 µm bins of molecules.
  const auto molecules = tissue->MakeMolecules();
  const std::size_t bins = 50;
  std::vector<std::vector<double>> binned(G, std::vector<double>(bins * bins, 0));
  for (std::size_t m = 0; m < molecules.Size(); ++m)
  {
    const auto i = std::min<std::size_t>(bins - 1, static_cast<std::size_t>(molecules.x[m] / 20));
    const auto j = std::min<std::size_t>(bins - 1, static_cast<std::size_t>(molecules.y[m] / 20));
    binned[molecules.gene[m]][j * bins + i] += 1;
  }
  for (auto & row : binned)
  {
    for (auto & v : row)
    {
      v = std::log1p(v);
    }
  }
  const auto binLevel = sstest::ModuleCorrelations(binned, tissue->GetGeneModules());
  std::cout << "20 µm bins: mean r within modules " << binLevel.first << ", between " << binLevel.second << std::endl;
  EXPECT_GT(binLevel.first, binLevel.second + 0.05);

  // Without per-cell module activity the within-module excess at cell level vanishes.
  auto flat = p;
  flat.cellModuleSd = 0;
  flat.spatialModuleSd = 0;
  const auto control = Simulate(flat);
  std::vector<std::size_t> controlTumour;
  for (std::size_t c = 0; c < control->GetCells().Size(); ++c)
  {
    if (control->GetCells().type[c] == 0)
    {
      controlTumour.push_back(c);
    }
  }
  const auto cd = control->GetCellCounts().SelectSpots(controlTumour).DenseSpotMajor();
  std::vector<std::vector<double>> controlRows(G, std::vector<double>(controlTumour.size()));
  for (std::size_t c = 0; c < controlTumour.size(); ++c)
  {
    for (std::size_t g = 0; g < G; ++g)
    {
      controlRows[g][c] = std::log1p(cd[c * G + g]);
    }
  }
  const auto controlLevel = sstest::ModuleCorrelations(controlRows, control->GetGeneModules());
  EXPECT_LT(controlLevel.first - controlLevel.second, 0.5 * (cellLevel.first - cellLevel.second));
}

TEST(TissueSimulator, MoleculesLieInTheirCells)
{
  const auto p = Square(500, 9);
  const auto tissue = Simulate(p);
  std::vector<std::int32_t> owner;
  const auto molecules = tissue->MakeMolecules(&owner);
  const auto & cells = tissue->GetCells();
  EXPECT_EQ(molecules.platform, "simulated");
  EXPECT_EQ(molecules.genes, tissue->GetGeneNames());
  ASSERT_EQ(molecules.Size(), tissue->GetNumberOfMolecules());
  ASSERT_EQ(owner.size(), molecules.Size());
  EXPECT_TRUE(molecules.z.empty());

  // Rebuilding the cell x gene counts from the molecules gives the ground truth exactly.
  const std::size_t G = p.numberOfGenes;
  std::vector<float> rebuilt(cells.Size() * G, 0);
  std::size_t outside = 0;
  for (std::size_t m = 0; m < molecules.Size(); ++m)
  {
    const auto c = static_cast<std::size_t>(owner[m]);
    ASSERT_LT(c, cells.Size());
    rebuilt[c * G + molecules.gene[m]] += 1;
    const double d = std::hypot(molecules.x[m] - cells.x[c], molecules.y[m] - cells.y[c]);
    ASSERT_LE(d, cells.radius[c] * 1.0001) << "molecule " << m;
    outside += !tissue->IsInTissue(molecules.x[m], molecules.y[m]);
  }
  EXPECT_EQ(rebuilt, tissue->GetCellCounts().DenseSpotMajor());
  // Cells sit inside the tissue, so molecules are at most a cell radius outside it.
  EXPECT_LT(outside, 0.02 * molecules.Size());
  const auto box = molecules.BoundsUm();
  EXPECT_GE(box.minX, 0);
  EXPECT_GE(box.minY, 0);
  EXPECT_LE(box.maxX, p.widthUm);
  EXPECT_LE(box.maxY, p.heightUm);

  // Spread: without truncation the sd of the offsets would be moleculeSpread × radius.
  double sumSquares = 0;
  for (std::size_t m = 0; m < molecules.Size(); ++m)
  {
    const auto c = owner[m];
    const double dx = (molecules.x[m] - cells.x[c]) / cells.radius[c];
    const double dy = (molecules.y[m] - cells.y[c]) / cells.radius[c];
    sumSquares += dx * dx + dy * dy;
  }
  const double rmsPerAxis = std::sqrt(sumSquares / (2 * molecules.Size()));
  EXPECT_GT(rmsPerAxis, 0.35);
  EXPECT_LT(rmsPerAxis, p.moleculeSpread);
}

TEST(TissueSimulator, CellTypeLabelMap)
{
  const auto tissue = Simulate(Square(300, 2));
  const auto labels = tissue->MakeCellTypeLabelImage(1);
  const auto & cells = tissue->GetCells();
  std::size_t agree = 0;
  for (std::size_t c = 0; c < cells.Size(); ++c)
  {
    ss::PointType point;
    point[0] = std::round(cells.x[c]);
    point[1] = std::round(cells.y[c]);
    ss::IndexType index;
    ASSERT_TRUE(labels->TransformPhysicalPointToIndex(point, index));
    agree += labels->GetPixel(index) == cells.type[c] + 1;
  }
  EXPECT_GT(agree, 0.9 * cells.Size());
  EXPECT_EQ(labels->GetPixel({ { 0, 0 } }), 0);
  // Every 7th pixel against a brute-force search over all cells.
  std::size_t checked = 0;
  std::size_t covered = 0;
  for (itk::ImageRegionConstIteratorWithIndex<ss::MaskImageType> it(labels, labels->GetBufferedRegion()); !it.IsAtEnd();
       ++it)
  {
    if ((it.GetIndex()[0] + 3 * it.GetIndex()[1]) % 7 != 0)
    {
      continue;
    }
    ss::PointType point;
    labels->TransformIndexToPhysicalPoint(it.GetIndex(), point);
    float best = 1;
    int label = 0;
    for (std::size_t c = 0; c < cells.Size(); ++c)
    {
      const double dx = point[0] - cells.x[c];
      const double dy = point[1] - cells.y[c];
      const auto d = static_cast<float>(std::sqrt(dx * dx + dy * dy) / cells.radius[c]);
      if (d < best)
      {
        best = d;
        label = cells.type[c] + 1;
      }
    }
    ASSERT_EQ(it.Get(), label) << it.GetIndex();
    ++checked;
    covered += label > 0;
  }
  EXPECT_GT(checked, 10000u);
  EXPECT_GT(covered, checked / 3);
}

TEST(TissueSimulator, CellsInBoxUsesTheIndex)
{
  const auto tissue = Simulate(Square(400, 3));
  const auto & cells = tissue->GetCells();
  ss::BoundingBox box;
  box.Add(100, 150);
  box.Add(230, 260);
  const auto found = tissue->CellsInBox(box);
  std::vector<std::uint32_t> brute;
  for (std::size_t c = 0; c < cells.Size(); ++c)
  {
    if (box.Contains(cells.x[c], cells.y[c]))
    {
      brute.push_back(static_cast<std::uint32_t>(c));
    }
  }
  EXPECT_GT(brute.size(), 50u);
  EXPECT_EQ(found, brute);
  EXPECT_TRUE(tissue->CellsInBox(ss::BoundingBox()).empty());
}

TEST(TissueSimulator, PrintSelfAndBadParameters)
{
  auto simulator = ss::TissueSimulator::New();
  EXPECT_STREQ(simulator->GetNameOfClass(), "TissueSimulator");
  simulator->SetNumberOfWorkUnits(2);
  std::ostringstream os;
  simulator->Print(os);
  EXPECT_NE(os.str().find("NumberOfWorkUnits: 2"), std::string::npos);
  EXPECT_NE(os.str().find("\"numberOfGenes\":50"), std::string::npos);
  ss::SimulationParameters bad;
  bad.widthUm = -1;
  EXPECT_THROW(simulator->SetParameters(bad), ss::InputError);
}

TEST(TissueSimulator, OneSquareMillimetreTiming)
{
  const auto start = std::chrono::steady_clock::now();
  const auto tissue = Simulate(Square(1000, 0));
  const auto simulated = std::chrono::steady_clock::now();
  const auto molecules = tissue->MakeMolecules();
  const auto done = std::chrono::steady_clock::now();
  std::cout << "1 mm² slide: " << tissue->GetCells().Size() << " cells, " << molecules.Size() << " molecules; simulate "
            << std::chrono::duration<double>(simulated - start).count() << " s, molecules "
            << std::chrono::duration<double>(done - simulated).count() << " s, " << tissue->GetMemoryBytes() / 1e6
            << " MB held" << std::endl;
  EXPECT_GT(tissue->GetCells().Size(), 3000u);
}
