// SuperSpotCheckModuleXML <file.xml>...
// Checks Slicer Execution Model module descriptions with the rules of SEM's
// ModuleDescriptionParser and SuperSpot's own (Documentation/SlicerModules.md).
// Prints one line per problem, "SOURCE: WHERE: PROBLEM. Fix: FIX [rule]", and exits 1
// if there is any.

#include "ssError.h"
#include "ssModuleDescription.h"
#include "ssTextTable.h"

#include <tclap/CmdLine.h>

#include <iostream>

int main(int argc, char * argv[])
{
  try
  {
    TCLAP::CmdLine commandLine("Checks Slicer Execution Model module descriptions (<executable> XML)", ' ', "1");
    TCLAP::UnlabeledMultiArg<std::string> files("files", "XML files to check", true, "file.xml", commandLine);
    commandLine.parse(argc, argv);
    std::size_t failed = 0;
    for (const auto & path : files.getValue())
    {
      const auto problems = ss::ValidateModuleDescription(ss::ReadWholeFile(path, "module description"), path);
      for (const auto & p : problems)
      {
        std::cout << p.message << " [" << p.rule << "]" << std::endl;
      }
      if (problems.empty())
      {
        std::cout << path << ": OK" << std::endl;
      }
      failed += problems.empty() ? 0 : 1;
    }
    return failed ? 1 : 0;
  }
  catch (const std::exception & e)
  {
    std::cerr << "SuperSpotCheckModuleXML: " << ss::OneLineMessage(e) << std::endl;
    return 1;
  }
}
