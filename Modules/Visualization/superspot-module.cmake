superspot_module(SuperSpotVisualization
  DESCRIPTION "PNG figures: colour maps with robust scaling, scalar-map and H&E panels, spot overlays in µm, titled multi-panel figures with a built-in bitmap font, colour bars"
  DEPENDS SuperSpotCore)
