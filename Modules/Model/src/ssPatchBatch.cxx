#include "ssPatchBatch.h"

#include "ssError.h"
#include "ssModelConfig.h"

#include <sstream>

namespace ss
{

namespace
{
std::string Shape(const std::vector<std::int64_t> & s)
{
  std::ostringstream o;
  o << "(";
  for (std::size_t i = 0; i < s.size(); ++i)
  {
    o << (i ? ", " : "") << s[i];
  }
  o << ")";
  return o.str();
}
} // namespace

FloatArray::FloatArray(std::vector<std::int64_t> s, float value)
  : shape(std::move(s))
{
  data.assign(static_cast<std::size_t>(NumberOfElements()), value);
}

std::int64_t FloatArray::NumberOfElements() const
{
  std::int64_t n = 1;
  for (auto d : shape)
  {
    n *= d;
  }
  return n;
}

std::string FloatArray::ShapeString() const
{
  return Shape(shape);
}

void FloatArray::RequireShape(const std::vector<std::int64_t> & expected, const std::string & what) const
{
  if (shape != expected)
  {
    SS_INPUT_ERROR("",
                   what,
                   "has shape " + Shape(shape) + ", the model needs " + Shape(expected),
                   "prepare the inputs with the model's grid settings (config.json)");
  }
  if (static_cast<std::int64_t>(data.size()) != NumberOfElements())
  {
    SS_INPUT_ERROR("",
                   what,
                   "holds " + std::to_string(data.size()) + " values for shape " + Shape(shape),
                   "fill the array to its shape");
  }
}

PatchBatch PatchBatch::Zeros(const ModelConfig & c, std::int64_t batch)
{
  PatchBatch b;
  b.batch = batch;
  const std::int64_t g = c.NumberOfGenes(), p = c.patchSize, pq = c.CellImageSize(), s = c.tissuePixels;
  b.lr = FloatArray({ batch, g, p, p });
  b.base = FloatArray({ batch, g, p, p });
  b.lrMask = FloatArray({ batch, 1, p, p });
  if (c.useHistology)
  {
    b.cell = FloatArray({ batch, 3, pq, pq });
    b.tissue = FloatArray({ batch, 3, s, s });
  }
  return b;
}

void PatchBatch::Validate(const ModelConfig & c) const
{
  if (batch <= 0)
  {
    SS_INPUT_ERROR("", "batch", "has no patches", "give at least one patch");
  }
  const std::int64_t g = c.NumberOfGenes(), p = c.patchSize, pq = c.CellImageSize(), s = c.tissuePixels;
  lr.RequireShape({ batch, g, p, p }, "lr");
  base.RequireShape({ batch, g, p, p }, "base");
  lrMask.RequireShape({ batch, 1, p, p }, "lrMask");
  if (c.useHistology)
  {
    cell.RequireShape({ batch, 3, pq, pq }, "cell");
    tissue.RequireShape({ batch, 3, s, s }, "tissue");
  }
}

void TrainingPatch::Validate(const ModelConfig & c, const std::string & source) const
{
  const std::int64_t g = c.NumberOfGenes(), p = c.patchSize, pq = c.CellImageSize(), s = c.tissuePixels;
  try
  {
    hr.RequireShape({ g, p, p }, "hr");
    hrMask.RequireShape({ 1, p, p }, "hrMask");
    lr.RequireShape({ g, p, p }, "lr");
    lrMask.RequireShape({ 1, p, p }, "lrMask");
    base.RequireShape({ g, p, p }, "base");
    if (c.useHistology)
    {
      cell.RequireShape({ 3, pq, pq }, "cell");
      tissue.RequireShape({ 3, s, s }, "tissue");
    }
  }
  catch (const InputError & e)
  {
    SS_INPUT_ERROR(source, e.GetField(), e.GetProblem(), e.GetFix());
  }
}

FloatArray TransformSquare(const FloatArray & a, int op)
{
  if (op == 0 || a.Empty())
  {
    return a;
  }
  if (a.shape.size() < 2 || a.shape[a.shape.size() - 1] != a.shape[a.shape.size() - 2])
  {
    SS_INPUT_ERROR(
      "", "array", "shape " + a.ShapeString() + " is not square in its last two axes", "augment square patches only");
  }
  const std::int64_t n = a.shape.back();
  const std::int64_t planes = a.NumberOfElements() / (n * n);
  const bool transpose = op & 4, flipColumns = op & 2, flipRows = op & 1;
  FloatArray out = a;
  for (std::int64_t p = 0; p < planes; ++p)
  {
    const float * src = a.data.data() + p * n * n;
    float * dst = out.data.data() + p * n * n;
    for (std::int64_t i = 0; i < n; ++i)
    {
      for (std::int64_t j = 0; j < n; ++j)
      {
        std::int64_t r = transpose ? j : i, c = transpose ? i : j;
        r = flipRows ? n - 1 - r : r;
        c = flipColumns ? n - 1 - c : c;
        dst[i * n + j] = src[r * n + c];
      }
    }
  }
  return out;
}

TrainingPatch TrainingPatch::Transformed(int op) const
{
  TrainingPatch t;
  t.hr = TransformSquare(hr, op);
  t.hrMask = TransformSquare(hrMask, op);
  t.lr = TransformSquare(lr, op);
  t.lrMask = TransformSquare(lrMask, op);
  t.base = TransformSquare(base, op);
  t.cell = TransformSquare(cell, op);
  t.tissue = TransformSquare(tissue, op);
  return t;
}

} // namespace ss
