#include "ssDiffusionSamplerImageFilter.h"

#include "ssConditionEncoderImageFilter.h"
#include "ssError.h"
#include "ssNoiseField.h"

#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkImageRegionIteratorWithIndex.h"

#include <algorithm>
#include <cmath>

namespace ss
{

DiffusionSamplerImageFilter::DiffusionSamplerImageFilter()
{
  this->SetPrimaryInputName("Condition");
  this->AddRequiredInputName("Base");
  this->AddOptionalInputName("Prior");
  this->AddOptionalInputName("Mask");
  this->SetNumberOfRequiredOutputs(3);
  this->SetNthOutput(1, this->MakeOutput(1));
  this->SetNthOutput(2, this->MakeOutput(2));
}

void DiffusionSamplerImageFilter::SetBaseInput(const ExpressionImageType * image)
{
  this->ProcessObject::SetInput("Base", const_cast<ExpressionImageType *>(image));
}

void DiffusionSamplerImageFilter::SetPriorInput(const ExpressionImageType * image)
{
  this->ProcessObject::SetInput("Prior", const_cast<ExpressionImageType *>(image));
}

void DiffusionSamplerImageFilter::SetMaskInput(const MaskImageType * image)
{
  this->ProcessObject::SetInput("Mask", const_cast<MaskImageType *>(image));
}

double DiffusionSamplerImageFilter::EffectiveGuidanceScale() const
{
  return m_GuidanceScale >= 0 ? m_GuidanceScale : GetModelConfig().diffusion.guidanceScale;
}

void DiffusionSamplerImageFilter::GenerateOutputInformation()
{
  Guard(
    [&]
    {
      const ModelConfig & c = GetModelConfig();
      const auto * base = RequireInput<ExpressionImageType>("Base");
      RequireModelGenes(base, "base map");
      const GridGeometry hr = GridGeometry::FromImage(base);
      const auto genes = static_cast<unsigned int>(c.NumberOfGenes());
      m_Lattice = MakeLattice(hr);
      const ExpressionImageType * condition = this->GetInput();
      if (!GridGeometry::FromImage(condition).SameAs(m_Lattice.LatticeGrid(), 1e-6 * std::max(1.0, hr.spacing[0])))
      {
        SS_INPUT_ERROR("",
                       "condition image",
                       "is not on the patch lattice of the base map's grid",
                       "encode the same HR grid with the same patch overlap");
      }
      const bool guided = EffectiveGuidanceScale() != 1.0 && c.useHistology;
      const std::size_t have = condition->GetNumberOfComponentsPerPixel();
      const ConditionLayout plain = ConditionLayout::For(c, false), both = ConditionLayout::For(c, true);
      if (have != plain.NumberOfComponents() && have != both.NumberOfComponents())
      {
        SS_INPUT_ERROR("", "condition image", "does not hold this model's encoding", "encode with the same model");
      }
      if (guided && have != both.NumberOfComponents())
      {
        SS_INPUT_ERROR("",
                       "guidance scale",
                       "is " + std::to_string(EffectiveGuidanceScale()) +
                         " and the condition has no unconditional encoding",
                       "encode WithUnconditional, or sample with guidance scale 1");
      }
      if (c.useGeneGraph)
      {
        const auto * prior = OptionalInput<ExpressionImageType>("Prior");
        if (!prior)
        {
          SS_INPUT_ERROR("",
                         "prior",
                         "the model has a gene graph and no prior was given",
                         "connect GeneGraphPriorImageFilter's output");
        }
        RequireGrid(prior, hr, "prior", "make it from the same maps");
        if (prior->GetNumberOfComponentsPerPixel() != c.PriorChannels())
        {
          SS_INPUT_ERROR("", "prior", "is not this model's prior", "make it with the same model");
        }
      }
      if (const auto * mask = OptionalInput<MaskImageType>("Mask"))
      {
        RequireGrid(mask, hr, "mask", "give the LR mask of the same HR grid");
      }
      for (unsigned int i = 0; i < 3; ++i)
      {
        hr.ApplyInformationTo(this->GetOutput(i));
        this->GetOutput(i)->SetNumberOfComponentsPerPixel(i < 2 ? genes : genes * m_NumberOfSamples);
      }
    });
}

void DiffusionSamplerImageFilter::GenerateInputRequestedRegion()
{
  const RegionType patches = m_Lattice.PatchesCovering(this->GetOutput(0)->GetRequestedRegion());
  const RegionType window = m_Lattice.HRRegionOf(patches);
  RequestInputRegion("Condition", patches);
  RequestInputRegion("Base", window);
  RequestInputRegion("Prior", window);
  RequestInputRegion("Mask", window);
}

void DiffusionSamplerImageFilter::GenerateData()
{
  Guard(
    [&]
    {
      UseWorkUnits();
      const ModelRunner & runner = *GetModel();
      const ModelConfig & c = runner.GetConfig();
      ExpressionImageType * mean = this->GetOutput(0);
      ExpressionImageType * sd = this->GetOutput(1);
      const RegionType R = mean->GetRequestedRegion();
      ExpressionImageType * samples = this->GetOutput(2);
      for (ExpressionImageType * out : { mean, sd, samples })
      {
        out->SetBufferedRegion(out == samples && !m_KeepSamples ? RegionType(R.GetIndex(), SizeType{ { 0, 0 } }) : R);
        out->Allocate();
      }
      const ExpressionImageType * condition = this->GetInput();
      const auto * base = RequireInput<ExpressionImageType>("Base");
      const auto * prior = c.useGeneGraph ? RequireInput<ExpressionImageType>("Prior") : nullptr;
      const auto * mask = OptionalInput<MaskImageType>("Mask");

      const std::size_t K = m_NumberOfSamples, G = static_cast<std::size_t>(c.NumberOfGenes());
      const auto P = static_cast<itk::IndexValueType>(c.patchSize);
      const std::size_t area = static_cast<std::size_t>(P * P), Cg = static_cast<std::size_t>(c.PriorChannels());
      const ConditionLayout both = ConditionLayout::For(c, true);
      const ConditionLayout layout =
        ConditionLayout::For(c, condition->GetNumberOfComponentsPerPixel() == both.NumberOfComponents());
      const std::size_t conditionSize = condition->GetNumberOfComponentsPerPixel();
      const std::vector<float> emptyCondition(conditionSize, 0.0f);

      std::vector<IndexType> todo;
      const RegionType patches = m_Lattice.PatchesCovering(R);
      for (itk::ImageRegionConstIteratorWithIndex<ExpressionImageType> it(condition, patches); !it.IsAtEnd(); ++it)
      {
        if (PatchHasData(m_Lattice, mask, it.GetIndex()))
        {
          todo.push_back(it.GetIndex());
        }
      }

      const std::size_t pixels = R.GetNumberOfPixels();
      std::vector<float> acc(K * G * pixels, 0.0f), weights(pixels, 0.0f);
      const std::vector<double> & w1 = m_Lattice.Weights1D();
      const NoiseField noise(m_Seed);
      SamplingOptions options;
      options.samples = static_cast<std::int64_t>(K);
      if (m_NumberOfSteps)
      {
        options.steps = static_cast<std::int64_t>(m_NumberOfSteps);
      }
      if (!m_Sampler.empty())
      {
        options.sampler = m_Sampler;
      }
      if (m_Eta >= 0)
      {
        options.eta = m_Eta;
      }
      options.guidance = EffectiveGuidanceScale();
      options.keepSamples = true;

      const std::size_t B = this->GetPatchesPerBatch();
      const auto RX = static_cast<itk::IndexValueType>(R.GetSize(0));
      for (std::size_t i0 = 0; i0 < todo.size(); i0 += B)
      {
        const std::size_t n = std::min(B, todo.size() - i0);
        const auto b = static_cast<std::int64_t>(B);
        PatchBatch batch;
        batch.batch = b;
        batch.base = FloatArray({ b, static_cast<std::int64_t>(G), P, P });
        FloatArray priorBatch;
        if (prior)
        {
          priorBatch = FloatArray({ b, static_cast<std::int64_t>(Cg), P, P });
        }
        std::vector<const float *> conditions(B, emptyCondition.data());
        options.seeds.assign(B, 0);
        options.initialNoise = FloatArray({ b, static_cast<std::int64_t>(K), static_cast<std::int64_t>(G), P, P });
        for (std::size_t j = 0; j < n; ++j)
        {
          const IndexType patch = todo[i0 + j];
          const IndexType first = m_Lattice.PatchStart(patch);
          RegionType window = m_Lattice.PatchRegion(patch);
          window.Crop(base->GetLargestPossibleRegion());
          for (itk::ImageRegionConstIteratorWithIndex<ExpressionImageType> it(base, window); !it.IsAtEnd(); ++it)
          {
            const IndexType idx = it.GetIndex();
            const std::size_t at = static_cast<std::size_t>((idx[1] - first[1]) * P + (idx[0] - first[0]));
            const auto v = it.Get();
            for (std::size_t g = 0; g < G; ++g)
            {
              batch.base.data[(j * G + g) * area + at] = v[static_cast<unsigned int>(g)];
            }
            if (prior)
            {
              const float * p = prior->GetBufferPointer() + prior->ComputeOffset(idx) * Cg;
              for (std::size_t k = 0; k < Cg; ++k)
              {
                priorBatch.data[(j * Cg + k) * area + at] = p[k];
              }
            }
          }
          conditions[j] = condition->GetBufferPointer() + condition->ComputeOffset(patch) * conditionSize;
          options.seeds[j] = noise.PatchSeed(patch);
          noise.FillPatch(first,
                          static_cast<unsigned int>(P),
                          static_cast<unsigned int>(K),
                          static_cast<unsigned int>(G),
                          options.initialNoise.data.data() + j * K * G * area);
        }
        const SampleResult r = runner.Sample(batch, layout.Unpack(c, conditions), priorBatch, options);
        for (std::size_t j = 0; j < n; ++j)
        {
          const IndexType first = m_Lattice.PatchStart(todo[i0 + j]);
          RegionType window = m_Lattice.PatchRegion(todo[i0 + j]);
          if (!window.Crop(R))
          {
            continue;
          }
          for (itk::ImageRegionConstIteratorWithIndex<ExpressionImageType> it(mean, window); !it.IsAtEnd(); ++it)
          {
            const IndexType idx = it.GetIndex();
            const auto lx = static_cast<std::size_t>(idx[0] - first[0]),
                       ly = static_cast<std::size_t>(idx[1] - first[1]);
            const auto w = static_cast<float>(w1[lx] * w1[ly]);
            const std::size_t pix = static_cast<std::size_t>((idx[1] - R.GetIndex(1)) * RX + (idx[0] - R.GetIndex(0)));
            weights[pix] += w;
            for (std::size_t k = 0; k < K; ++k)
            {
              for (std::size_t g = 0; g < G; ++g)
              {
                acc[(k * G + g) * pixels + pix] += w * r.samples.data[((j * K + k) * G + g) * area + ly * P + lx];
              }
            }
          }
        }
        this->UpdateProgress(static_cast<float>(i0 + n) / static_cast<float>(todo.size()));
      }

      // Blended samples → mean and standard deviation per pixel.
      ExpressionImageType::PixelType m(static_cast<unsigned int>(G)), s(static_cast<unsigned int>(G));
      std::vector<double> blended(K);
      ExpressionImageType::PixelType all(static_cast<unsigned int>(K * G));
      for (itk::ImageRegionIteratorWithIndex<ExpressionImageType> it(mean, R); !it.IsAtEnd(); ++it)
      {
        const IndexType idx = it.GetIndex();
        const std::size_t pix = static_cast<std::size_t>((idx[1] - R.GetIndex(1)) * RX + (idx[0] - R.GetIndex(0)));
        const bool inside = weights[pix] > 0 && (!mask || mask->GetPixel(idx));
        for (std::size_t g = 0; g < G; ++g)
        {
          double sum = 0;
          for (std::size_t k = 0; k < K; ++k)
          {
            blended[k] = inside ? acc[(k * G + g) * pixels + pix] / weights[pix] : 0.0;
            sum += blended[k];
          }
          const double mu = sum / static_cast<double>(K);
          double ss = 0;
          for (std::size_t k = 0; k < K; ++k)
          {
            ss += (blended[k] - mu) * (blended[k] - mu);
          }
          m[static_cast<unsigned int>(g)] = static_cast<float>(mu);
          for (std::size_t k = 0; k < K; ++k)
          {
            all[static_cast<unsigned int>(k * G + g)] = static_cast<float>(blended[k]);
          }
          s[static_cast<unsigned int>(g)] =
            K > 1 ? static_cast<float>(std::sqrt(ss / static_cast<double>(K - 1))) : 0.0f;
        }
        it.Set(m);
        sd->SetPixel(idx, s);
        if (m_KeepSamples)
        {
          samples->SetPixel(idx, all);
        }
      }
    });
}

void DiffusionSamplerImageFilter::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "NumberOfSamples: " << m_NumberOfSamples << std::endl;
  os << indent << "NumberOfSteps: " << m_NumberOfSteps << " (0: the model's)" << std::endl;
  os << indent << "Sampler: " << (m_Sampler.empty() ? "(the model's)" : m_Sampler) << std::endl;
  os << indent << "Eta: " << m_Eta << " (< 0: the model's)" << std::endl;
  os << indent << "GuidanceScale: " << m_GuidanceScale << " (< 0: the model's)" << std::endl;
  os << indent << "Seed: " << m_Seed << std::endl;
  os << indent << "KeepSamples: " << (m_KeepSamples ? "On" : "Off") << std::endl;
}

} // namespace ss
