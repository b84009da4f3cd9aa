superspot_module(SuperSpotModel
  DESCRIPTION "The cross-modal conditional diffusion model: histology and expression encoders, disentangling with cross-modal modulation, dynamic cross-attention, co-expression gene graph, U-Net denoiser, diffusion samplers, model files (config.json + safetensors), training (AdamW, EMA, checkpoints, c10d data parallel)"
  DEPENDS SuperSpotCore
  PRIVATE_EXTERNAL Torch Boost)
