// Draws every chart whose Vega-Lite specification the page embeds as JSON (d4sme.reports.charts).
document.querySelectorAll("[data-vega-spec]").forEach((element) => {
  const source = document.getElementById(element.dataset.vegaSpec);
  if (!source || !window.vegaEmbed) return;
  window
    .vegaEmbed(element, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
    .then(() => element.classList.add("drawn"))
    .catch((error) => console.error(error));
});
