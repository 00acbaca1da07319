// The search results on the map: one marker per camera, sized by how many reads it took.
(function () {
  "use strict";
  var places = JSON.parse(document.getElementById("map-places").textContent);
  var map = L.map("map", {attributionControl: false, zoomSnap: 0.25});
  fetch("/console/static/uzbekistan-regions.geojson", {credentials: "same-origin"})
    .then(function (response) { return response.json(); })
    .then(function (regions) {
      var layer = L.geoJSON(regions, {style: {color: "#c9d6e8", weight: 1,
                                              fillColor: "#dfe7f1", fillOpacity: 1}});
      layer.addTo(map).bringToBack();
      map.fitBounds(layer.getBounds(), {padding: [6, 6]});
    });
  map.createPane("places").style.zIndex = 650;
  places.forEach(function (place) {
    L.circleMarker([place.lat, place.lon], {
      pane: "places", radius: Math.min(18, 5 + 3 * Math.sqrt(place.reads)), weight: 2,
      color: "#ffffff", fillColor: "#0b5cad", fillOpacity: 0.9
    }).bindTooltip(place.name + " — " + place.reads).addTo(map);
  });
})();
