// The live overview: a Leaflet map of the regions (GeoJSON shipped with Platewarden, no tile
// server) with the cameras coloured by status, and counters kept current by server-sent
// events. Nothing here ever receives plate text.
(function () {
  "use strict";
  var state = JSON.parse(document.getElementById("live-state").textContent);
  var labels = JSON.parse(document.getElementById("live-labels").textContent);
  var colours = {ok: "#17703a", late: "#946200", clock: "#946200", calibration: "#946200",
                 silent: "#a3261b", off: "#5b6675"};
  var timeFormat = new Intl.DateTimeFormat(labels.locale, {
    dateStyle: "short", timeStyle: "medium", timeZone: labels.time_zone});
  var numberFormat = new Intl.NumberFormat(labels.locale);
  var markers = {};

  var map = L.map("map", {attributionControl: false, zoomSnap: 0.25, minZoom: 4,
                          maxZoom: 14});
  map.createPane("cameras").style.zIndex = 650;  // always above the regions
  fetch("/console/static/uzbekistan-regions.geojson", {credentials: "same-origin"})
    .then(function (response) { return response.json(); })
    .then(function (regions) {
      var nameKey = "name_" + (labels.locale.slice(0, 2));
      // A region may be drawn in several parts: no outlines, one soft colour per region.
      var palette = ["#c9d6e8", "#dadcbf", "#c6dcc9", "#e6d1c3", "#d3c9e3", "#c3dddd",
                     "#e3dab4"];
      var layer = L.geoJSON(regions, {
        style: function (feature) {
          var index = regions.features.indexOf(feature);
          var colour = palette[index % palette.length];
          return {color: colour, weight: 1, fillColor: colour, fillOpacity: 1};
        },
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(feature.properties[nameKey] || feature.properties.name_en,
                            {sticky: true});
        }
      }).addTo(map);
      layer.bringToBack();
      map.fitBounds(layer.getBounds(), {padding: [8, 8]});
    });

  function when(iso) {
    return iso ? timeFormat.format(new Date(iso)) : "—";
  }

  function drawCameras(cameras) {
    cameras.forEach(function (camera) {
      var colour = colours[camera.status] || "#5b6675";
      var marker = markers[camera.id];
      if (!marker) {
        marker = L.circleMarker([camera.lat, camera.lon], {
          pane: "cameras", radius: 7, weight: 2, color: "#ffffff", fillOpacity: 1});
        marker.addTo(map);
        markers[camera.id] = marker;
      }
      marker.setStyle({fillColor: colour});
      marker.bindTooltip(camera.name + " — " + (labels.status[camera.status] || camera.status));
      var row = document.querySelector('tr[data-camera="' + CSS.escape(camera.id) + '"]');
      if (row) {
        var cell = row.querySelector("[data-status]");
        cell.textContent = labels.status[camera.status] || camera.status;
        cell.className = "status-" + camera.status;
        row.querySelector("[data-last]").textContent = when(camera.last_read);
        row.querySelector("[data-lag]").textContent =
          camera.lag_s === null ? "—" : numberFormat.format(camera.lag_s);
      }
    });
  }

  function show(next) {
    document.getElementById("reads-per-minute").textContent =
      numberFormat.format(next.reads_per_minute);
    document.getElementById("violations-per-minute").textContent =
      numberFormat.format(next.violations_per_minute);
    document.getElementById("alerts-per-minute").textContent =
      numberFormat.format(next.alerts_per_minute);
    drawCameras(next.cameras);
    var list = document.getElementById("recent-events");
    next.events.forEach(function (event) {
      var item = document.createElement("li");
      item.className = event.kind;
      item.textContent = when(event.at) + " · " + (labels.kind[event.kind] || event.kind) +
        " · " + (labels.detail[event.detail] || event.detail) + " · " + event.camera;
      list.insertBefore(item, list.firstChild);
      while (list.children.length > 20) { list.removeChild(list.lastChild); }
      var marker = markers[event.camera];
      if (marker) { marker.setRadius(11); setTimeout(function () { marker.setRadius(7); }, 1500); }
    });
  }

  show(state);
  var status = document.getElementById("stream-state");
  var source = new EventSource("/console/live/events?after=" + state.last);
  source.addEventListener("state", function (message) {
    status.textContent = labels.connected;
    status.setAttribute("data-connected", "true");
    show(JSON.parse(message.data));
  });
  source.addEventListener("error", function () {
    status.textContent = labels.reconnecting;
    status.setAttribute("data-connected", "false");
  });
})();
