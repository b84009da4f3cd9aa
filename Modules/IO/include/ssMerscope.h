#ifndef ssMerscope_h
#define ssMerscope_h

#include "SuperSpotIOExport.h"
#include "ssSpotData.h"

#include <string>

namespace ss
{

struct SuperSpotIO_EXPORT MerscopeReadOptions
{
  /** Drop the Blank-* barcodes (MERFISH's negative controls). Off by default: they are
   * part of what the file holds, and a notes line says how many there are either way. */
  bool dropBlankProbes = false;
};

/** Reads Vizgen MERSCOPE detected_transcripts.csv(.gz): global_x, global_y (µm), gene, and
 * global_z when present (MERSCOPE's z-plane index, kept as given: 0, 1, ... not µm). Other
 * columns, including the unnamed leading index column pandas writes, are ignored; rows
 * with one more field than the header (an index without a header name) are accepted.
 *
 * Blank-* barcodes are kept unless options.dropBlankProbes, and counted in a note. On the
 * GiottoData mini MERSCOPE set this gives 80,343 molecules of 559 genes, 109 of which are
 * Blank-* barcodes with 337 molecules. */
SuperSpotIO_EXPORT MoleculeTable ReadMerscopeTranscripts(const std::string & path,
                                                         const MerscopeReadOptions & options = {});

/** Writes detected_transcripts.csv(.gz, by extension): a leading index column, global_x,
 * global_y, global_z (0 when the table has no z), gene, transcript_id. */
SuperSpotIO_EXPORT void WriteMerscopeTranscripts(const std::string & path, const MoleculeTable & molecules);

} // namespace ss

#endif
