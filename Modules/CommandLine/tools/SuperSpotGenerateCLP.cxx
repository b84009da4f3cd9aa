// SuperSpotGenerateCLP <Name>.xml <Name>CLP.h [<Name>]
// Writes the command-line parser of a CLI module from its Slicer Execution Model XML,
// after checking the XML: a description Slicer would reject never builds.

#include "ssCLPGenerator.h"
#include "ssError.h"
#include "ssFiles.h"
#include "ssModuleDescription.h"
#include "ssTextTable.h"

#include <iostream>

int main(int argc, char * argv[])
{
  if (argc < 3 || argc > 4)
  {
    std::cerr << "usage: SuperSpotGenerateCLP <Name>.xml <Name>CLP.h [<Name>]" << std::endl;
    return 2;
  }
  const std::string xmlPath = argv[1];
  const std::string outputPath = argv[2];
  std::string xmlFileName = ss::FileName(xmlPath);
  std::string moduleName = argc == 4 ? std::string(argv[3]) : xmlFileName.substr(0, xmlFileName.rfind('.'));
  try
  {
    const std::string xml = ss::ReadWholeFile(xmlPath, "module description");
    ss::ModuleDescription description;
    const auto problems = ss::ValidateModuleDescription(xml, xmlPath, &description);
    if (!problems.empty())
    {
      for (const auto & p : problems)
      {
        std::cerr << p.message << " [" << p.rule << "]" << std::endl;
      }
      std::cerr << "SuperSpotGenerateCLP: " << problems.size() << " problem(s) in " << xmlPath << "; no parser written"
                << std::endl;
      return 1;
    }
    const std::string header = ss::GenerateCLPHeader(description, moduleName, xml, xmlFileName);
    // Rewrite only on change, so editing an unrelated file does not recompile the module.
    if (!ss::FileExists(outputPath) || ss::ReadWholeFile(outputPath) != header)
    {
      ss::WriteTextFileAtomically(outputPath, header);
    }
    return 0;
  }
  catch (const std::exception & e)
  {
    std::cerr << "SuperSpotGenerateCLP: " << ss::OneLineMessage(e) << std::endl;
    return 1;
  }
}
