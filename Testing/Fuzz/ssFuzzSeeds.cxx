// Writes the seed corpora of the fuzzers: tiny valid inputs made with SuperSpot's own
// writers (never copies of real data), one folder per fuzzer under the folder given.
//
//   ssFuzzSeeds <folder>

#include "ssFiles.h"
#include "ssFuzzSamples.h"
#include "ssFuzzing.h"
#include "ssLegacyST.h"
#include "ssMerscope.h"
#include "ssModelConfig.h"
#include "ssSafeTensors.h"
#include "ssSimulationParameters.h"
#include "ssSpaceRanger.h"
#include "ssSpotTable.h"
#include "ssTextTable.h"
#include "ssXenium.h"

#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;

namespace
{
fs::path root;
fs::path work;

void Seed(const std::string & fuzzer, const std::string & name, const std::string & content)
{
  fs::create_directories(root / fuzzer);
  ss::WriteTextFileAtomically((root / fuzzer / name).string(), content);
}

std::string Read(const fs::path & path)
{
  return ss::ReadWholeFile(path.string()); // gunzips .gz
}

std::string RawBytes(const fs::path & path)
{
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string Byte(int b)
{
  return std::string(1, static_cast<char>(b));
}

void Tables()
{
  const std::string csv = "id,\"x, um\",y_um,gene\r\nA,1.5,2,3\r\n\"B \"\"q\"\"\",-4e2,NaN,0\r\n\r\nC,+7,8,9\r\n";
  const std::string tsv = "\xEF\xBB\xBFgene\tS1\tS2\nACTB\t1\t2\nKRT19\t0\t3.5\n# comment\n";
  for (int d = 0; d < 3; ++d)
  {
    Seed("ssFuzzDelimitedReader", "csv-" + std::to_string(d), Byte(d) + csv);
    Seed("ssFuzzDelimitedReader", "tsv-" + std::to_string(d), Byte(d) + tsv);
  }
  ss::WriteGzipFileAtomically((work / "table.csv.gz").string(), csv);
  Seed("ssFuzzGzip", "raw", Byte(0) + Byte(0) + RawBytes(work / "table.csv.gz"));
  Seed("ssFuzzGzip", "gzipped", Byte(1) + Byte(0) + tsv);
  Seed("ssFuzzGzip", "truncated", Byte(3) + Byte(200) + csv);
  Seed("ssFuzzGzip", "two-members", Byte(5) + Byte(0) + csv + tsv);
}

void Json()
{
  const ss::SpotDataset spots = ss::fuzz::SampleSpots();
  ss::WriteSpaceRangerOuts((work / "outs").string(), spots, nullptr);
  ss::SpaceRangerWriteOptions v1;
  v1.positionsVersion = 1;
  ss::WriteSpaceRangerOuts((work / "outs1").string(), spots, nullptr, v1);
  const std::string scale = Read(work / "outs/spatial/scalefactors_json.json");
  Seed("ssFuzzScaleFactors", "written", scale);
  Seed("ssFuzzScaleFactors",
       "spaceranger-2",
       "{\"regist_target_img_scalef\": 0.2, \"tissue_hires_scalef\": 0.058, \"tissue_lowres_scalef\": 0.0174,"
       " \"fiducial_diameter_fullres\": 144.5, \"spot_diameter_fullres\": 89.43}");

  const std::string positions2 = Read(work / "outs/spatial/tissue_positions.csv");
  const std::string positions1 = Read(work / "outs1/spatial/tissue_positions_list.csv");
  Seed("ssFuzzSpaceRangerOuts", "version2", Byte(0) + ss::fuzz::JoinFiles({ positions2, scale }));
  Seed("ssFuzzSpaceRangerOuts", "version1", Byte(1) + ss::fuzz::JoinFiles({ positions1, scale }));
  Seed("ssFuzzSpaceRangerOuts", "given-mpp", Byte(2) + ss::fuzz::JoinFiles({ positions2, "{}" }));

  ss::WriteXeniumExperiment((work / "experiment.xenium").string(), 0.2125);
  Seed("ssFuzzXeniumExperiment", "written", Read(work / "experiment.xenium"));
  Seed("ssFuzzXeniumExperiment",
       "xoa",
       "{\"major_version\": 5, \"minor_version\": 0, \"run_name\": \"r\", \"region_name\": \"A\","
       " \"panel_name\": \"Human Breast\", \"panel_organism\": \"Human\", \"pixel_size\": 0.2125,"
       " \"num_cells\": 167780, \"analysis_sw_version\": \"xenium-1.4.0.6\"}");

  const std::vector<std::string> genes{ "ACTB", "KRT19", "ERBB2" };
  for (const auto & preset : ss::ModelConfig::PresetNames())
  {
    Seed("ssFuzzModelConfig", preset, ss::ModelConfig::Preset(preset, genes).ToJSON().dump(2));
  }
  ss::ModelConfig graph = ss::ModelConfig::Preset("small", genes);
  graph.residualScales = { 0.5f, 1.25f, 2.0f };
  graph.geneGraph.adjacency = { 0.5f, 0.25f, 0, 0.25f, 0.5f, 0.1f, 0, 0.1f, 1 };
  graph.useDynamicAttention = false;
  Seed("ssFuzzModelConfig", "graph", graph.ToJSON().dump());

  ss::SimulationParameters simulation;
  simulation.WriteJSONFile((work / "simulation.json").string());
  Seed("ssFuzzSimulationParameters", "defaults", Read(work / "simulation.json"));
  Seed("ssFuzzSimulationParameters",
       "partial",
       R"({"seed": 99, "widthUm": 3000, "meanMoleculesPerCell": 20, "numberOfModules": 3, "pixelNoise": 0})");

  ss::fuzz::SavePairSet((work / "pairs").string());
  Seed("ssFuzzPairSetManifest", "written", Read(work / "pairs/pairs.json"));
}

void Spots()
{
  const ss::SpotDataset square = ss::fuzz::SampleSquareSpots();
  ss::WriteLegacyST((work / "st").string(), square);
  Seed(
    "ssFuzzLegacyST", "written", ss::fuzz::JoinFiles({ Read(work / "st/counts.tsv.gz"), Read(work / "st/spots.tsv") }));

  const ss::SpotDataset visium = ss::fuzz::SampleSpots();
  ss::WriteSpotTable((work / "spots.csv").string(), visium, true);
  Seed("ssFuzzSpotTable", "with-counts", Read(work / "spots.csv"));
  ss::WriteSpotTable((work / "square.csv").string(), square, false);
  Seed("ssFuzzSpotTable", "square", Read(work / "square.csv"));
  Seed("ssFuzzSpotTable",
       "microns-only",
       "id\tx_um\ty_um\tin_tissue\tGENE1\na\t10\t20\t1\t3\nb\t110\t20\t0\t0\nc\t60\t106.6\t1\t1\n");
  Seed(
    "ssFuzzSpotTable", "pixels-only", "ID,X_PX,Y_PX,array_col,array_row\na,10,20,0,0\nb,210,20,2,0\nc,110,193,1,1\n");

  ss::WriteFeatureBarcodeMatrixH5((work / "matrix.h5").string(),
                                  [&]
                                  {
                                    ss::FeatureBarcodeMatrix m;
                                    m.barcodes = visium.spots.id;
                                    m.featureNames = visium.genes;
                                    m.featureNames[4] = m.featureNames[1]; // a duplicated symbol
                                    for (std::size_t g = 0; g < visium.genes.size(); ++g)
                                    {
                                      m.featureIds.push_back("ENSG0000" + std::to_string(g));
                                      m.featureTypes.push_back(g == 5 ? "Antibody Capture" : "Gene Expression");
                                    }
                                    m.counts = visium.counts;
                                    return m;
                                  }());
  Seed("ssFuzzFeatureBarcodeMatrix", "written", Byte(0) + RawBytes(work / "matrix.h5"));
  std::string recipe;
  for (int i = 0; i < 96; ++i)
  {
    recipe += static_cast<char>((i * 37 + 11) % 256);
  }
  Seed("ssFuzzFeatureBarcodeMatrix", "recipe", Byte(1) + recipe);
}

void Molecules()
{
  const ss::MoleculeTable t = ss::fuzz::SampleMolecules();
  ss::WriteXeniumTranscripts((work / "transcripts.csv").string(), t);
  Seed("ssFuzzXeniumTranscripts", "written", Read(work / "transcripts.csv"));
  Seed("ssFuzzXeniumTranscripts",
       "xoa",
       "\"transcript_id\",\"cell_id\",\"overlaps_nucleus\",\"feature_name\",\"x_location\",\"y_location\","
       "\"z_location\",\"qv\",\"is_gene\"\n281474976710656,565,0,b'SEC11C',4.395842,328.66647,12.019493,18.66248,true\n"
       "281474976710657,-1,0,NegControlProbe_00042,5.1,330.2,11.9,40,false\n");
  ss::WriteMerscopeTranscripts((work / "detected_transcripts.csv").string(), t);
  Seed("ssFuzzMerscopeTranscripts", "written", Read(work / "detected_transcripts.csv"));

  itk::Matrix<double, 3, 3> m;
  m.SetIdentity();
  m(0, 0) = 2.1;
  m(0, 1) = 0.3;
  m(1, 0) = -0.3;
  m(1, 1) = 2.1;
  m(0, 2) = 150.5;
  m(1, 2) = -42;
  ss::WriteXeniumAlignment((work / "alignment.csv").string(), m);
  Seed("ssFuzzAlignment", "xenium", Read(work / "alignment.csv"));
  Seed("ssFuzzAlignment", "vizgen", "9.2039 0 -58904.5\n0 9.2039 -43257.4\n0 0 1\n");
}

void Model()
{
  ss::SafeTensorsContent content;
  content.metadata["format"] = "superspot-model";
  content.metadata["superspotVersion"] = "0.1.0";
  const float values[] = { 0.5f, -1.25f, 3.0f, 1e-3f, 7.0f, -0.0f };
  content.tensors.push_back(ss::SafeTensor::FromFloats("encoder.weight", { 2, 3 }, values));
  content.tensors.push_back(ss::SafeTensor::FromFloats("encoder.bias", { 2 }, values + 4));
  content.tensors.push_back(ss::SafeTensor::FromBytes("flags", { 1, 0, 1 }));
  content.tensors.push_back(ss::SafeTensor::FromFloats("scalar", {}, values + 2));
  ss::WriteSafeTensors((work / "model.safetensors").string(), content);
  Seed("ssFuzzSafeTensors", "written", RawBytes(work / "model.safetensors"));
}
} // namespace

int main(int argc, char * argv[])
{
  if (argc != 2)
  {
    std::cerr << "usage: ssFuzzSeeds <folder>\n";
    return 2;
  }
  try
  {
    root = argv[1];
    work = root / ".work";
    fs::remove_all(root);
    fs::create_directories(work);
    Tables();
    Json();
    Spots();
    Molecules();
    Model();
    fs::remove_all(work);
  }
  catch (const std::exception & e)
  {
    std::cerr << "ssFuzzSeeds: " << ss::OneLineMessage(e) << "\n";
    return 1;
  }
  return 0;
}
