#ifndef ssFiles_h
#define ssFiles_h

#include "SuperSpotCoreExport.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace ss
{

/** A temporary path in the same folder as `path`, keeping its extension(s) so
 * ITK picks the same ImageIO: "dir/.name.tmp-<pid>-<n>.nrrd". */
SuperSpotCore_EXPORT std::string TemporaryPathFor(const std::string & path);

/** Writes `path` atomically: `write` writes the temporary file it is given, which
 * is then renamed over `path` (rename(2) within one folder is atomic). If `write`
 * throws or the process dies, `path` is left as it was; the temporary is removed
 * on exceptions. */
SuperSpotCore_EXPORT void WriteAtomically(const std::string & path, const std::function<void(const std::string & temporaryPath)> & write);

SuperSpotCore_EXPORT void WriteTextFileAtomically(const std::string & path, const std::string & content);
/** Gzip-compressed text, atomically. */
SuperSpotCore_EXPORT void WriteGzipFileAtomically(const std::string & path, const std::string & content);
SuperSpotCore_EXPORT void WriteJSONFileAtomically(const std::string & path, const nlohmann::json & value);

/** Parses a JSON file; errors name the file and the parser's position. */
SuperSpotCore_EXPORT nlohmann::json ReadJSONFile(const std::string & path, const std::string & what = "JSON file");

SuperSpotCore_EXPORT bool FileExists(const std::string & path);
SuperSpotCore_EXPORT bool DirectoryExists(const std::string & path);
/** Throws InputError naming `what` and `fix` when `path` is not a readable file. */
SuperSpotCore_EXPORT void RequireFile(const std::string & path, const std::string & what, const std::string & fix);
SuperSpotCore_EXPORT void RequireDirectory(const std::string & path, const std::string & what, const std::string & fix);
/** Creates a folder and its parents. */
SuperSpotCore_EXPORT void CreateDirectories(const std::string & path);
SuperSpotCore_EXPORT std::string JoinPath(const std::string & a, const std::string & b);
SuperSpotCore_EXPORT std::string FileName(const std::string & path);
SuperSpotCore_EXPORT std::string ParentPath(const std::string & path);
SuperSpotCore_EXPORT bool IsDirectoryEmpty(const std::string & path);

/** Prepares an output folder: creates it, or refuses a non-empty one unless
 * `overwrite` (then the files in it are replaced one by one as they are written). */
SuperSpotCore_EXPORT void PrepareOutputDirectory(const std::string & path, bool overwrite);

/** Writes a whole folder atomically: `write` fills a temporary folder beside `path`
 * (".NAME.tmp-<pid>-<n>", same file system), which then takes the name `path`, so a
 * reader sees either the old folder or the complete new one, never a mixture. If `write`
 * throws, the temporary folder is removed and `path` is untouched.
 * `path` may be absent or an empty folder; a non-empty folder is refused (InputError)
 * unless `overwrite`, and then it is replaced as a whole: its old files are removed, not
 * merged (decide before calling whether that folder may go). An existing file is refused.
 * The old folder is renamed aside just before the new one takes its place and removed
 * after, so a crash between the two renames leaves it as ".NAME.old-<pid>-<n>". */
SuperSpotCore_EXPORT void WriteDirectoryAtomically(const std::string & path,
                                                   bool overwrite,
                                                   const std::function<void(const std::string & temporaryFolder)> & write);

} // namespace ss

#endif
