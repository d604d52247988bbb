// The demo storefront's own script (not Encore): the demo checkout, and a cart count fed by
// Encore's `encore-add-to-cart` event. Served from the storefront, so it runs under the strict CSP.
const checkout = document.querySelector('[data-checkout]');
checkout?.addEventListener('click', async () => {
  checkout.disabled = true;
  const params = new URLSearchParams(location.search);
  let visitorId;
  try {
    visitorId = localStorage.getItem('encore:visitor') ?? undefined;
  } catch {
    visitorId = undefined;
  }
  const res = await fetch('/demo/checkout', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ product: checkout.dataset.checkout, customer: params.get('customer'), lang: params.get('lang'), visitorId }),
  });
  if (!res.ok) {
    checkout.disabled = false;
    return;
  }
  const { thankYou } = await res.json();
  location.assign(thankYou);
});
