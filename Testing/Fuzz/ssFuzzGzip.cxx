// Gzip input (ssTextTable.h's InputFile): any file starting with the gzip magic bytes is
// gunzipped, whatever its name. The first byte says what the rest is:
//   bit 0 = 0: the file's bytes as they are (the seeds: valid .gz files, then mutated);
//   bit 0 = 1: text to gzip here, so the container is valid and the content is fuzzed;
//     bit 1: cut the gzip stream at the fraction the second byte gives (a truncated download);
//     bit 2: write it as two gzip members back to back (what bgzip and `cat a.gz b.gz` make),
//            which must read as the whole text.

#include "ssFuzzing.h"
#include "ssTextTable.h"

#include <zlib.h>

namespace
{
std::string Gzip(std::string_view text)
{
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
  {
    std::abort();
  }
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef *>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END)
  {
    std::abort();
  }
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  if (size < 2)
  {
    return 0;
  }
  const std::uint8_t mode = data[0];
  const std::string_view payload(reinterpret_cast<const char *>(data) + 2, size - 2);
  std::string file;
  bool complete = false;
  if ((mode & 1) == 0)
  {
    file = payload;
  }
  else if (mode & 4)
  {
    const std::size_t half = payload.size() / 2;
    file = Gzip(payload.substr(0, half)) + Gzip(payload.substr(half));
    complete = true;
  }
  else
  {
    file = Gzip(payload);
    complete = true;
  }
  if ((mode & 1) && (mode & 2))
  {
    file.resize(file.size() * data[1] / 256);
    complete = false;
  }
  const std::string path = ss::fuzz::WriteFile("table.csv.gz", file);
  ss::fuzz::Read(
    [&]
    {
      const std::string text = ss::ReadWholeFile(path);
      // A valid gzip file reads as exactly what was compressed, all members of it.
      if (complete && text != payload)
      {
        std::fprintf(stderr, "gunzipped %zu bytes of %zu\n", text.size(), payload.size());
        std::abort();
      }
    });
  ss::fuzz::Read(
    [&]
    {
      ss::DelimitedReader reader(path);
      if (reader.ReadHeader())
      {
        while (reader.Next())
        {
        }
      }
    });
  return 0;
}
