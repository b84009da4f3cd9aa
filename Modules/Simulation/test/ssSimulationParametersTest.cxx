#include "ssError.h"
#include "ssSimulationParameters.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace
{

/** The field named by the InputError that `f` throws ("" if it throws none). */
template<typename F>
std::string FieldOfError(F && f)
{
  try
  {
    f();
  }
  catch (const ss::InputError & e)
  {
    return e.GetField();
  }
  return "";
}

} // namespace

TEST(SimulationParameters, DefaultsAreValidAndDescribeTheBenchmarkPhantom)
{
  const ss::SimulationParameters p;
  EXPECT_NO_THROW(p.Validate());
  EXPECT_EQ(p.numberOfGenes, 50u);
  EXPECT_EQ(p.NumberOfCellTypes(), 6u);
  EXPECT_EQ(p.NumberOfDomains(), 4u);
  EXPECT_DOUBLE_EQ(p.micronsPerPixel, 0.5);
  EXPECT_DOUBLE_EQ(p.meanMoleculesPerCell, 60);
  for (const auto & d : p.domains)
  {
    EXPECT_EQ(d.cellTypeWeights.size(), p.cellTypes.size()) << d.name;
  }
}

TEST(SimulationParameters, JSONRoundTripKeepsEveryValue)
{
  ss::SimulationParameters p;
  p.seed = 1234567890123ull;
  p.profileSeed = 7;
  p.widthUm = 6500;
  p.heightUm = 812.5;
  p.numberOfGenes = 33;
  p.numberOfModules = 5;
  p.dispersion = 3.25;
  p.relaxationIterations = 2;
  p.cellTypes[2].nucleusElongation = 1.75;
  p.cellTypes[5].name = "Fat cell";
  p.domains[1].cellTypeWeights = { 1, 2, 3, 4, 5, 6 };
  p.domains[3].cellDensityPerMm2 = 321;

  const auto json = p.ToJSON();
  const auto q = ss::SimulationParameters::FromJSON(json);
  EXPECT_EQ(q.ToJSON(), json);
  EXPECT_EQ(q.seed, 1234567890123ull);
  EXPECT_EQ(q.profileSeed, 7u);
  EXPECT_DOUBLE_EQ(q.heightUm, 812.5);
  EXPECT_EQ(q.numberOfGenes, 33u);
  EXPECT_EQ(q.relaxationIterations, 2u);
  EXPECT_DOUBLE_EQ(q.cellTypes[2].nucleusElongation, 1.75);
  EXPECT_EQ(q.cellTypes[5].name, "Fat cell");
  EXPECT_EQ(q.domains[1].cellTypeWeights, (std::vector<double>{ 1, 2, 3, 4, 5, 6 }));
  EXPECT_DOUBLE_EQ(q.domains[3].cellDensityPerMm2, 321);

  const std::string path = std::string(::testing::TempDir()) + "/simulation-parameters.json";
  p.WriteJSONFile(path);
  EXPECT_EQ(ss::SimulationParameters::ReadJSONFile(path).ToJSON(), json);
  std::remove(path.c_str());
}

TEST(SimulationParameters, MissingKeysKeepTheirDefaults)
{
  const auto p = ss::SimulationParameters::FromJSON(nlohmann::json{ { "seed", 5 }, { "widthUm", 400 } });
  EXPECT_EQ(p.seed, 5u);
  EXPECT_DOUBLE_EQ(p.widthUm, 400);
  EXPECT_DOUBLE_EQ(p.heightUm, ss::SimulationParameters().heightUm);
  EXPECT_EQ(p.ToJSON()["cellTypes"], ss::SimulationParameters().ToJSON()["cellTypes"]);
}

TEST(SimulationParameters, BadJSONNamesTheKey)
{
  using J = nlohmann::json;
  EXPECT_EQ(FieldOfError([] { ss::SimulationParameters::FromJSON(J{ { "widthUM", 100 } }); }), "widthUM");
  EXPECT_EQ(FieldOfError([] { ss::SimulationParameters::FromJSON(J{ { "seed", -3 } }); }), "seed");
  EXPECT_EQ(FieldOfError([] { ss::SimulationParameters::FromJSON(J{ { "dispersion", "2" } }); }), "dispersion");
  EXPECT_EQ(FieldOfError([] { ss::SimulationParameters::FromJSON(J{ { "heightUm", 7000 } }); }), "heightUm");
  EXPECT_EQ(FieldOfError([] { ss::SimulationParameters::FromJSON(J::array()); }), "(top level)");
  J types = ss::SimulationParameters().ToJSON()["cellTypes"];
  types[1]["colour"] = "red";
  EXPECT_EQ(FieldOfError(
              [&] {
                ss::SimulationParameters::FromJSON(J{ { "cellTypes", types } });
              }),
            "cellTypes[1].colour");
  // Fewer cell types than the default domains have weights for.
  J three = J::array({ J{ { "name", "A" } }, J{ { "name", "B" } }, J{ { "name", "C" } } });
  EXPECT_EQ(FieldOfError(
              [&] {
                ss::SimulationParameters::FromJSON(J{ { "cellTypes", three } });
              }),
            "domains[0].cellTypeWeights");

  try
  {
    ss::SimulationParameters::FromJSON(J{ { "widthUm", 0 } }, "phantom.json");
    FAIL() << "a zero width was accepted";
  }
  catch (const ss::InputError & e)
  {
    const std::string message = e.what();
    EXPECT_NE(message.find("phantom.json"), std::string::npos) << message;
    EXPECT_NE(message.find("Fix:"), std::string::npos) << message;
  }
}

TEST(SimulationParameters, ValidationCatchesInconsistentValues)
{
  auto field = [](auto && change)
  {
    ss::SimulationParameters p;
    change(p);
    return FieldOfError([&] { p.Validate(); });
  };
  EXPECT_EQ(field([](auto & p) { p.micronsPerPixel = 0; }), "micronsPerPixel");
  EXPECT_EQ(field([](auto & p) { p.dispersion = -1; }), "dispersion");
  EXPECT_EQ(field([](auto & p) { p.numberOfModules = 46; }), "numberOfModules"); // 45 genes outside housekeeping
  EXPECT_EQ(field([](auto & p) { p.numberOfModules = 45; }), "");
  EXPECT_EQ(field([](auto & p) { p.cellTypes[3].name = p.cellTypes[0].name; }), "cellTypes[3].name");
  EXPECT_EQ(field([](auto & p) { p.cellTypes[2].nucleusRadiusUm = 5; }), "cellTypes[2].nucleusRadiusUm");
  EXPECT_EQ(field([](auto & p) { p.cellTypes[0].nucleusElongation = 0.5; }), "cellTypes[0].nucleusElongation");
  EXPECT_EQ(field([](auto & p) { p.domains[2].cellTypeWeights.assign(6, 0.0); }), "domains[2].cellTypeWeights");
  EXPECT_EQ(field([](auto & p) { p.domains[1].cellTypeWeights[0] = -0.1; }), "domains[1].cellTypeWeights");
  EXPECT_EQ(field([](auto & p) { p.domains[0].cellDensityPerMm2 = 0; }), "domains[0].cellDensityPerMm2");
  EXPECT_EQ(field([](auto & p) { p.domains.clear(); }), "domains");
  EXPECT_EQ(field([](auto & p) { p.widthUm = 6500; }), "");
  EXPECT_EQ(field([](auto & p) { p.widthUm = 6500.5; }), "widthUm");
}

TEST(SimulationParameters, SelectCellTypesKeepsTheirWeightsAndDropsEmptyDomains)
{
  ss::SimulationParameters p;
  p.SelectCellTypes({ "lymphocyte", "Tumour" });
  ASSERT_EQ(p.cellTypes.size(), 2u);
  EXPECT_EQ(p.cellTypes[0].name, "Tumour"); // the parameters' order, not the list's
  EXPECT_EQ(p.cellTypes[1].name, "Lymphocyte");
  ASSERT_EQ(p.domains.size(), 4u); // Fat has a few lymphocytes
  EXPECT_EQ(p.domains[2].name, "Immune");
  EXPECT_EQ(p.domains[2].cellTypeWeights, (std::vector<double>{ 0.04, 0.75 }));
  EXPECT_EQ(p.domains[3].cellTypeWeights, (std::vector<double>{ 0.0, 0.03 }));
  EXPECT_NO_THROW(p.Validate());

  ss::SimulationParameters fat;
  fat.SelectCellTypes({ "Adipocyte" });
  ASSERT_EQ(fat.domains.size(), 1u);
  EXPECT_EQ(fat.domains[0].name, "Fat");
  EXPECT_NO_THROW(fat.Validate());

  auto fieldOf = [](const std::vector<std::string> & names)
  {
    ss::SimulationParameters q;
    return FieldOfError([&] { q.SelectCellTypes(names, "--cellTypes"); });
  };
  EXPECT_EQ(fieldOf({ "Neuron" }), "cellTypes");
  EXPECT_EQ(fieldOf({ "Tumour", "tumour" }), "cellTypes");
  EXPECT_EQ(fieldOf({}), "cellTypes");
  ss::SimulationParameters none;
  none.domains.resize(1);
  none.domains[0].name = "OnlyTumour";
  none.domains[0].cellTypeWeights = { 1, 0, 0, 0, 0, 0 };
  EXPECT_THROW(none.SelectCellTypes({ "Fibroblast" }), ss::InputError);
}
