// The demo storefront's own script (not Encore): the demo checkout, and a cart fed by Encore's
// `encore-add-to-cart` event (the storefront decides what adding means; Encore only asks).
// Served from the storefront, so it runs under the strict CSP.
const CART_KEY = 'demo:cart';
const readCart = () => {
  try {
    return JSON.parse(sessionStorage.getItem(CART_KEY) ?? '[]');
  } catch {
    return [];
  }
};
const showCart = (cart) => {
  const count = document.querySelector('[data-cart-count]');
  if (count) count.textContent = String(cart.length);
  // Products in the cart are not recommended again.
  for (const el of document.querySelectorAll('encore-recommendations')) el.setAttribute('exclude', cart.join(','));
};
const addToCart = (id) => {
  const cart = readCart();
  if (!cart.includes(id)) cart.push(id);
  try {
    sessionStorage.setItem(CART_KEY, JSON.stringify(cart));
  } catch {
    // the count still updates for this page
  }
  showCart(cart);
};
showCart(readCart());
document.addEventListener('encore-add-to-cart', (event) => addToCart(event.detail.id));
document.querySelector('.add[data-product]')?.addEventListener('click', (event) => addToCart(event.currentTarget.dataset.product));

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
