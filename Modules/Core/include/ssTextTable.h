#ifndef ssTextTable_h
#define ssTextTable_h

#include "SuperSpotCoreExport.h"

#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ss
{

/** \class InputFile
 * \brief Opens a file for reading, transparently gunzipping it when it starts
 * with the gzip magic bytes (whatever its name). A missing or unreadable file
 * throws InputError naming it.
 */
class SuperSpotCore_EXPORT InputFile
{
public:
  explicit InputFile(const std::string & path, const std::string & what = "file");
  ~InputFile();
  InputFile(const InputFile &) = delete;
  InputFile & operator=(const InputFile &) = delete;

  std::istream & Stream();
  const std::string & GetPath() const { return m_Path; }
  bool IsCompressed() const { return m_Compressed; }

private:
  struct Impl;
  std::unique_ptr<Impl> m_Impl;
  std::string m_Path;
  bool m_Compressed = false;
};

/** Reads a whole (possibly gzipped) file into a string. */
SuperSpotCore_EXPORT std::string ReadWholeFile(const std::string & path, const std::string & what = "file");

/** \class DelimitedReader
 * \brief Streaming reader of CSV / TSV tables (plain or gzipped), with quoted
 * fields, CRLF line ends and a header row.
 *
 * Errors name the file, the line and the column. Rows are read one at a time so
 * tables of hundreds of millions of molecules never sit in memory as text.
 *
 *   DelimitedReader r(path);
 *   r.ReadHeader();
 *   const auto xCol = r.RequireColumn("x_location", "Xenium transcripts.csv.gz from Xenium Onboard Analysis");
 *   while (r.Next()) { double x = r.Double(xCol); ... }
 */
class SuperSpotCore_EXPORT DelimitedReader
{
public:
  /** delimiter 0: tab if the first line has a tab, else comma. */
  explicit DelimitedReader(const std::string & path, char delimiter = 0);
  ~DelimitedReader();

  /** Reads the first line as the header. Returns false for an empty file. */
  bool ReadHeader();
  const std::vector<std::string> & GetHeader() const { return m_Header; }
  /** Column index of `name` (exact, then case-insensitive), or -1. */
  int FindColumn(const std::string & name) const;
  /** Column index of the first of `names` that is present, or -1. */
  int FindColumn(const std::vector<std::string> & names) const;
  /** Like FindColumn, but throws InputError listing the columns present and `fix`. */
  int RequireColumn(const std::string & name, const std::string & fix) const;

  /** Reads the next data row. Returns false at end of file. Blank lines are skipped. */
  bool Next();
  std::size_t GetNumberOfFields() const { return m_Fields.size(); }
  /** Field `i` of the current row (throws InputError if the row is too short). */
  std::string_view Field(int i) const;
  std::string String(int i) const { return std::string(Field(i)); }
  /** Field `i` as a number; throws InputError naming file, line and column if it is not one.
   * "NaN"/"inf" parse (callers decide whether they are allowed). */
  double Double(int i) const;
  /** Field `i` as an integer: InputError if it is not one, or beyond ±2^53 (where doubles,
   * which the field is parsed as, stop holding every integer). */
  long long Integer(int i) const;
  /** Integer(i) within [minimum, maximum]; InputError naming the range otherwise. */
  long long Integer(int i, long long minimum, long long maximum) const;
  const std::vector<std::string_view> & Fields() const { return m_Fields; }

  std::size_t GetLineNumber() const { return m_LineNumber; }
  const std::string & GetPath() const { return m_Path; }
  char GetDelimiter() const { return m_Delimiter; }
  /** "file:line" for messages. */
  std::string Where() const;
  std::string ColumnName(int i) const;

private:
  bool ReadLine();
  void Split();

  std::string m_Path;
  std::unique_ptr<InputFile> m_File;
  char m_Delimiter;
  std::string m_Line;
  std::string m_Unquoted;
  std::vector<std::string_view> m_Fields;
  std::vector<std::string> m_Header;
  std::size_t m_LineNumber = 0;
  bool m_PendingFirstLine = false;
};

/** Splits `text` at `delimiter` (no quoting). */
SuperSpotCore_EXPORT std::vector<std::string> SplitString(std::string_view text, char delimiter);
SuperSpotCore_EXPORT std::string Trim(std::string_view text);
SuperSpotCore_EXPORT std::string ToLower(std::string_view text);
SuperSpotCore_EXPORT std::string Join(const std::vector<std::string> & parts, const std::string & separator);
/** Reads a list of names, one per line (blank lines and # comments skipped). */
SuperSpotCore_EXPORT std::vector<std::string> ReadNameList(const std::string & path, const std::string & what);

} // namespace ss

#endif
