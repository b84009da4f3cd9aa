#include "ssAnnData.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssHDF5File.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_set>

namespace ss
{

namespace
{
// Encodings of AnnData's on-disk specification, as anndata 0.8 writes them.
const char * const ArrayEncoding = "0.2.0";
const char * const DictEncoding = "0.1.0";
const char * const DataFrameEncoding = "0.2.0";

std::string Quoted(const std::string & key)
{
  return "['" + key + "']";
}

/** A name that becomes an HDF5 link: a '/' would make a nested group, and an empty
 * name or "." none at all. */
void CheckKey(const std::string & path, const std::string & field, const std::string & key)
{
  if (key.empty() || key == "." || key.find('/') != std::string::npos)
  {
    SS_INPUT_ERROR(path,
                   field + Quoted(key),
                   "is not a usable AnnData key (empty, \".\" or containing '/')",
                   "give the entry a name without '/'");
  }
}

/** Names unique within one container (obs_names, the layers, the obs columns, ...). */
void CheckUnique(const std::string & path, const std::string & field, const std::vector<std::string> & names)
{
  std::unordered_set<std::string> seen;
  for (const auto & n : names)
  {
    if (!seen.insert(n).second)
    {
      SS_INPUT_ERROR(path, field, "the name '" + n + "' appears twice", "give every entry a unique name");
    }
  }
}

void CheckSize(const std::string & path,
               const std::string & field,
               std::size_t actual,
               std::size_t expected,
               const std::string & expectedText)
{
  if (actual != expected)
  {
    SS_INPUT_ERROR(path,
                   field,
                   "has " + std::to_string(actual) + " values, expected " + expectedText + " = " +
                     std::to_string(expected),
                   "give exactly that many values");
  }
}

template<typename TNamed>
std::vector<std::string> NamesOf(const std::vector<TNamed> & entries)
{
  std::vector<std::string> names;
  for (const auto & e : entries)
  {
    names.push_back(e.name);
  }
  return names;
}

void CheckColumns(const std::string & path,
                  const std::string & frame,
                  const std::vector<AnnDataColumn> & columns,
                  std::size_t n,
                  const char * axis)
{
  for (const auto & c : columns)
  {
    CheckKey(path, frame, c.name);
    if (c.name == "_index")
    {
      SS_INPUT_ERROR(path, frame + Quoted(c.name), "'_index' is reserved for the names", "rename the column");
    }
    CheckSize(path, frame + Quoted(c.name), c.values.size(), n, axis);
  }
  CheckUnique(path, frame + " columns", NamesOf(columns));
}

/** What an uns JSON array becomes: an n-dimensional array of one element type. */
struct UnsArray
{
  enum class Kind
  {
    Integer,
    Float,
    Boolean,
    String
  };
  Kind kind = Kind::Float;
  std::vector<std::size_t> shape;
  std::vector<const nlohmann::json *> leaves; // row-major
};

[[noreturn]] void RefuseUns(const std::string & path, const std::string & where, const std::string & problem)
{
  SS_INPUT_ERROR(path, where, problem + " has no AnnData encoding", "store a number, string, boolean, object or array");
}

void CollectLeaves(const std::string & path,
                   const std::string & where,
                   const nlohmann::json & value,
                   std::size_t depth,
                   UnsArray & out)
{
  if (depth == out.shape.size())
  {
    if (value.is_array())
    {
      RefuseUns(path, where, "a ragged array (nested arrays of different lengths or depths)");
    }
    out.leaves.push_back(&value);
    return;
  }
  if (!value.is_array() || value.size() != out.shape[depth])
  {
    RefuseUns(path, where, "a ragged array (nested arrays of different lengths or depths)");
  }
  for (std::size_t i = 0; i < value.size(); ++i)
  {
    CollectLeaves(path, where + "[" + std::to_string(i) + "]", value[i], depth + 1, out);
  }
}

UnsArray AnalyseArray(const std::string & path, const std::string & where, const nlohmann::json & value)
{
  UnsArray a;
  // The shape follows the first element at each depth; CollectLeaves checks the others.
  const nlohmann::json * v = &value;
  while (v->is_array())
  {
    a.shape.push_back(v->size());
    if (v->empty())
    {
      break;
    }
    v = &v->front();
  }
  CollectLeaves(path, where, value, 0, a);
  if (a.leaves.empty())
  {
    return a; // h5py stores an empty list as an empty float64 array
  }
  bool numbers = true, integers = true, booleans = true, strings = true;
  for (const nlohmann::json * leaf : a.leaves)
  {
    numbers = numbers && leaf->is_number();
    const bool int64 =
      leaf->is_number_integer() &&
      (!leaf->is_number_unsigned() ||
       leaf->get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    integers = integers && int64;
    booleans = booleans && leaf->is_boolean();
    strings = strings && leaf->is_string();
  }
  if (numbers)
  {
    a.kind = integers ? UnsArray::Kind::Integer : UnsArray::Kind::Float;
  }
  else if (booleans)
  {
    a.kind = UnsArray::Kind::Boolean;
  }
  else if (strings && a.shape.size() == 1)
  {
    a.kind = UnsArray::Kind::String;
  }
  else if (strings)
  {
    RefuseUns(path, where, "a nested array of strings");
  }
  else
  {
    RefuseUns(path, where, "an array of mixed types, objects or nulls");
  }
  return a;
}

void CheckUnsValue(const std::string & path, const std::string & where, const nlohmann::json & value)
{
  if (value.is_object())
  {
    for (const auto & [key, v] : value.items())
    {
      CheckKey(path, where, key);
      CheckUnsValue(path, where + Quoted(key), v);
    }
  }
  else if (value.is_array())
  {
    AnalyseArray(path, where, value);
  }
  else if (value.is_null() || value.is_binary() || value.is_discarded())
  {
    RefuseUns(path, where, std::string("a JSON ") + value.type_name());
  }
}

/** Writes AnnData's hdf5 files through ss::hdf5::File, every element with its encoding. */
class Writer
{
public:
  Writer(hdf5::File & file, const std::string & path)
    : m_File(file)
    , m_Path(path)
  {
  }

  void Encoding(const std::string & object, const char * type, const char * version)
  {
    m_File.WriteUTF8StringAttribute(object, "encoding-type", type);
    m_File.WriteUTF8StringAttribute(object, "encoding-version", version);
  }

  void Dict(const std::string & group)
  {
    m_File.CreateGroup(group);
    Encoding(group, "dict", DictEncoding);
  }

  template<typename T>
  void Array(const std::string & dataset, const T * values, const std::vector<std::size_t> & shape)
  {
    m_File.WriteArray(dataset, values, shape);
    Encoding(dataset, "array", ArrayEncoding);
  }

  void DataFrame(const std::string & group,
                 const std::vector<std::string> & index,
                 const std::vector<AnnDataColumn> & columns)
  {
    m_File.CreateGroup(group);
    m_File.WriteUTF8StringAttribute(group, "_index", "_index");
    m_File.WriteUTF8StringArrayAttribute(group, "column-order", NamesOf(columns));
    Encoding(group, "dataframe", DataFrameEncoding);
    m_File.WriteUTF8Strings(group + "/_index", index);
    Encoding(group + "/_index", "string-array", ArrayEncoding);
    for (const auto & c : columns)
    {
      Array(group + "/" + c.name, c.values.data(), { c.values.size() });
    }
  }

  void UnsValue(const std::string & object, const nlohmann::json & value)
  {
    if (value.is_object())
    {
      Dict(object);
      for (const auto & [key, v] : value.items())
      {
        UnsValue(object + "/" + key, v);
      }
    }
    else if (value.is_string())
    {
      m_File.WriteUTF8String(object, value.get<std::string>());
      Encoding(object, "string", ArrayEncoding);
    }
    else if (value.is_boolean())
    {
      m_File.WriteBooleans(object, { value.get<bool>() }, {});
      Encoding(object, "numeric-scalar", ArrayEncoding);
    }
    else if (value.is_number_unsigned() &&
             value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    {
      m_File.WriteScalar(object, value.get<std::uint64_t>());
      Encoding(object, "numeric-scalar", ArrayEncoding);
    }
    else if (value.is_number_integer())
    {
      m_File.WriteScalar(object, value.get<std::int64_t>());
      Encoding(object, "numeric-scalar", ArrayEncoding);
    }
    else if (value.is_number_float())
    {
      m_File.WriteScalar(object, value.get<double>());
      Encoding(object, "numeric-scalar", ArrayEncoding);
    }
    else if (value.is_array())
    {
      UnsArrayValue(object, AnalyseArray(m_Path, object, value));
    }
    else
    {
      // Validate() refused it already; reaching here is a bug in the two walks' agreement.
      RefuseUns(m_Path, object, std::string("a JSON ") + value.type_name());
    }
  }

private:
  template<typename T>
  static std::vector<T> Leaves(const UnsArray & a)
  {
    std::vector<T> v;
    v.reserve(a.leaves.size());
    for (const auto * leaf : a.leaves)
    {
      v.push_back(leaf->get<T>());
    }
    return v;
  }

  void UnsArrayValue(const std::string & object, const UnsArray & a)
  {
    switch (a.kind)
    {
      case UnsArray::Kind::Integer:
        Array(object, Leaves<std::int64_t>(a).data(), a.shape);
        return;
      case UnsArray::Kind::Float:
        Array(object, Leaves<double>(a).data(), a.shape);
        return;
      case UnsArray::Kind::Boolean:
        m_File.WriteBooleans(object, Leaves<bool>(a), a.shape);
        Encoding(object, "array", ArrayEncoding);
        return;
      case UnsArray::Kind::String:
        m_File.WriteUTF8Strings(object, Leaves<std::string>(a));
        Encoding(object, "string-array", ArrayEncoding);
        return;
    }
  }

  hdf5::File & m_File;
  std::string m_Path;
};

void WriteContent(hdf5::File & file, const std::string & path, const AnnDataContent & c)
{
  Writer w(file, path);
  const std::size_t n = c.NumberOfObservations();
  const std::size_t g = c.NumberOfVariables();
  w.Encoding("/", "anndata", "0.1.0");
  w.DataFrame("obs", c.obsNames, c.obsColumns);
  w.DataFrame("var", c.varNames, c.varColumns);
  w.Array("X", c.X.data(), { n, g });
  w.Dict("layers");
  for (const auto & layer : c.layers)
  {
    w.Array("layers/" + layer.name, layer.values.data(), { n, g });
  }
  w.Dict("obsm");
  for (const auto & m : c.obsm)
  {
    w.Array("obsm/" + m.name, m.values.data(), { n, m.columns });
  }
  // Empty, as anndata writes them: some readers (not anndata) expect every slot.
  w.Dict("obsp");
  w.Dict("varm");
  w.Dict("varp");

  w.Dict("uns");
  for (const auto & [key, value] : c.uns.items())
  {
    w.UnsValue("uns/" + key, value);
  }
  if (!c.libraryId.empty())
  {
    const std::string library = "uns/spatial/" + c.libraryId;
    w.Dict("uns/spatial");
    w.Dict(library);
    w.Dict(library + "/images");
    nlohmann::json scale = nlohmann::json::object();
    for (const auto & image : c.images)
    {
      static_assert(sizeof(RGBPixelType) == 3, "RGB pixels are stored as 3 bytes");
      const SizeType size = image.image->GetLargestPossibleRegion().GetSize();
      // ITK's buffer is row-major with x fastest: exactly numpy's (rows, columns, 3).
      w.Array(library + "/images/" + image.key,
              reinterpret_cast<const std::uint8_t *>(image.image->GetBufferPointer()),
              { size[1], size[0], 3 });
      scale["tissue_" + image.key + "_scalef"] = image.scaleFactor;
    }
    scale["spot_diameter_fullres"] = c.spotDiameterFullres;
    w.UnsValue(library + "/scalefactors", scale);
    w.UnsValue(library + "/metadata", c.spatialMetadata);
  }
}
} // namespace

void AnnDataContent::Validate(const std::string & path) const
{
  const std::size_t n = NumberOfObservations();
  const std::size_t g = NumberOfVariables();
  CheckUnique(path, "obs_names", obsNames);
  CheckUnique(path, "var_names", varNames);
  CheckColumns(path, "obs", obsColumns, n, "n_obs");
  CheckColumns(path, "var", varColumns, g, "n_vars");
  const std::string shape = "n_obs x n_vars = " + std::to_string(n) + " x " + std::to_string(g);
  CheckSize(path, "X", X.size(), n * g, shape);
  for (const auto & layer : layers)
  {
    CheckKey(path, "layers", layer.name);
    CheckSize(path, "layers" + Quoted(layer.name), layer.values.size(), n * g, shape);
  }
  CheckUnique(path, "layers", NamesOf(layers));
  for (const auto & m : obsm)
  {
    CheckKey(path, "obsm", m.name);
    if (m.columns == 0)
    {
      SS_INPUT_ERROR(path, "obsm" + Quoted(m.name), "has 0 columns", "give its number of columns");
    }
    CheckSize(path,
              "obsm" + Quoted(m.name),
              m.values.size(),
              n * m.columns,
              "n_obs x columns = " + std::to_string(n) + " x " + std::to_string(m.columns));
  }
  CheckUnique(path, "obsm", NamesOf(obsm));

  if (!uns.is_object())
  {
    SS_INPUT_ERROR(path, "uns", "must be a JSON object (a dict)", "put the entries in a JSON object");
  }
  CheckUnsValue(path, "uns", uns);

  if (libraryId.empty())
  {
    if (!images.empty())
    {
      SS_INPUT_ERROR(path, "uns['spatial']", "images were given without a library id", "set libraryId");
    }
    return;
  }
  CheckKey(path, "uns['spatial']", libraryId);
  const std::string library = "uns['spatial']" + Quoted(libraryId);
  if (uns.contains("spatial"))
  {
    SS_INPUT_ERROR(path,
                   "uns['spatial']",
                   "is given both in uns and through libraryId",
                   "leave 'spatial' out of uns (libraryId, images and spatialMetadata fill it)");
  }
  if (!(std::isfinite(spotDiameterFullres) && spotDiameterFullres > 0))
  {
    SS_INPUT_ERROR(path,
                   library + "['scalefactors']['spot_diameter_fullres']",
                   "must be a positive number of full-resolution pixels",
                   "set spotDiameterFullres (scanpy.pl.spatial sizes the spots with it)");
  }
  bool spatial = false;
  for (const auto & m : obsm)
  {
    spatial = spatial || (m.name == "spatial" && m.columns == 2);
  }
  if (!spatial)
  {
    SS_INPUT_ERROR(path,
                   "obsm['spatial']",
                   "is missing or does not have 2 columns, but uns['spatial'] is written",
                   "add obsm 'spatial' with the (x, y) full-resolution pixel position of every observation");
  }
  std::vector<std::string> keys;
  for (const auto & image : images)
  {
    CheckKey(path, library + "['images']", image.key);
    const std::string field = library + "['images']" + Quoted(image.key);
    keys.push_back(image.key);
    if (!image.image || image.image->GetLargestPossibleRegion().GetNumberOfPixels() == 0 ||
        image.image->GetBufferedRegion() != image.image->GetLargestPossibleRegion())
    {
      SS_INPUT_ERROR(
        path, field, "there is no image, or not all of it is in memory", "Update() it on its whole region");
    }
    if (!(std::isfinite(image.scaleFactor) && image.scaleFactor > 0))
    {
      SS_INPUT_ERROR(path,
                     library + "['scalefactors']['tissue_" + image.key + "_scalef']",
                     "must be a positive number (image px per full-resolution px)",
                     "set the image's scaleFactor");
    }
  }
  CheckUnique(path, library + "['images']", keys);
  if (!spatialMetadata.is_object())
  {
    SS_INPUT_ERROR(path, library + "['metadata']", "must be a JSON object", "put the entries in a JSON object");
  }
  CheckUnsValue(path, library + "['metadata']", spatialMetadata);
}

void WriteAnnData(const std::string & path, const AnnDataContent & content)
{
  // Everything is checked before the first byte is written: a long write never fails late
  // on something that was wrong from the start.
  content.Validate(path);
  WriteAtomically(path,
                  [&](const std::string & temporary)
                  {
                    hdf5::File file = hdf5::File::Create(temporary, path);
                    WriteContent(file, path, content);
                    file.Close();
                  });
}

} // namespace ss
