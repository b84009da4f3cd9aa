#ifndef ssPairsInternal_h
#define ssPairsInternal_h

// Helpers shared by the Pairs sources; not installed.

#include "ssSpotData.h"

namespace ss
{
namespace internal
{

/** Throws InputError when the table's coordinate and gene arrays differ in length or a gene
 * index is outside its gene list. */
void ValidateMolecules(const MoleculeTable & molecules);

} // namespace internal
} // namespace ss

#endif
