// CSV / TSV text tables (ssTextTable.h): the reader under every table SuperSpot reads.
// The first byte picks the delimiter (sniffed, comma, tab); the rest is the file.

#include "ssFuzzing.h"
#include "ssTextTable.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  if (size < 1)
  {
    return 0;
  }
  const char delimiters[] = { 0, ',', '\t' };
  const char delimiter = delimiters[data[0] % 3];
  const std::string path =
    ss::fuzz::WriteFile("table.csv", std::string_view(reinterpret_cast<const char *>(data) + 1, size - 1));
  ss::fuzz::Read(
    [&]
    {
      ss::DelimitedReader reader(path, delimiter);
      if (!reader.ReadHeader())
      {
        return;
      }
      const int columns = static_cast<int>(reader.GetHeader().size());
      for (const auto & name : reader.GetHeader())
      {
        if (reader.FindColumn(name) < 0)
        {
          std::abort(); // every header name is found
        }
      }
      reader.FindColumn(std::vector<std::string>{ "x", "Y", "gene" });
      while (reader.Next())
      {
        for (int i = 0; i <= columns; ++i)
        {
          ss::fuzz::Read(
            [&]
            {
              reader.String(i);
              reader.Double(i);
              reader.Integer(i);
            });
        }
      }
      reader.Where();
    });
  ss::fuzz::Read([&] { ss::ReadNameList(path, "gene list"); });
  ss::fuzz::Read([&] { ss::ReadWholeFile(path); });
  return 0;
}
