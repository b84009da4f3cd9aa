superspot_module(SuperSpotIOOpenSlide
  DESCRIPTION "Whole-slide images: an ITK ImageIO over OpenSlide (streamed, one pyramid level, spacing in µm from the slide or the user, never guessed) and a streaming pyramidal TIFF writer"
  DEPENDS SuperSpotCore
  PUBLIC_EXTERNAL ITK
  PRIVATE_EXTERNAL OpenSlide TIFF::TIFF)
