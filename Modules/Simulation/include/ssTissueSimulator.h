#ifndef ssTissueSimulator_h
#define ssTissueSimulator_h

#include "SuperSpotSimulationExport.h"
#include "ssSimulatedTissue.h"
#include "ssSimulationParameters.h"

#include "itkObject.h"
#include "itkObjectFactory.h"

#include <memory>

namespace ss
{

/** \class TissueSimulator
 * \brief Draws a SimulatedTissue from SimulationParameters.
 *
 * Stages, each with its own random stream (see SimulationParameters for the model):
 *  1. biology from profileSeed: gene modules, per-type expression profiles;
 *  2. fields: irregular tissue outline with holes, Gaussian random fields whose argmax
 *     gives the domains (biases fitted to the domains' area fractions), module fields,
 *     fibre orientation, stain unevenness;
 *  3. cells, tile by tile (100 µm tiles, one random stream each): Poisson positions thinned
 *     to each domain's density, type from the domain's mixture, morphology, module activity;
 *  4. relaxation: overlapping cells are pushed apart (Jacobi rounds, so the result does not
 *     depend on the order in which cells are visited);
 *  5. negative-binomial counts per cell.
 * Tiles run in parallel on `NumberOfWorkUnits` ITK pool threads; the slide is the same
 * bit for bit whatever that number.
 *
 *   auto simulator = ss::TissueSimulator::New();
 *   simulator->SetParameters(parameters);
 *   std::shared_ptr<const ss::SimulatedTissue> tissue = simulator->Simulate();
 */
class SuperSpotSimulation_EXPORT TissueSimulator : public itk::Object
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(TissueSimulator);

  using Self = TissueSimulator;
  using Superclass = itk::Object;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;

  itkNewMacro(Self);
  itkTypeMacro(TissueSimulator, itk::Object);

  /** Validates them (InputError on a bad value). */
  void SetParameters(const SimulationParameters & parameters);
  const SimulationParameters & GetParameters() const { return m_Parameters; }

  /** Threads for the tiles; 0 = ITK's default. Does not change the result. */
  itkSetMacro(NumberOfWorkUnits, unsigned int);
  itkGetConstMacro(NumberOfWorkUnits, unsigned int);

  /** Runs every stage; reports progress to ProgressReporter::Global(). */
  std::shared_ptr<const SimulatedTissue> Simulate() const;

protected:
  TissueSimulator() = default;
  ~TissueSimulator() override = default;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;

private:
  SimulationParameters m_Parameters;
  unsigned int m_NumberOfWorkUnits{ 0 };
};

} // namespace ss

#endif
