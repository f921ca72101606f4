package demo

import "slices"

// The web shop: products, cart, a three-step checkout and the guest
// checkout experiment.

// Checkout steps. Step 1 is "account" in the experiment's control arm
// (log in or create an account) and "contact_details" in its guest arm;
// logged-in shoppers skip it.
const (
	stepAccount  = 1
	stepShipping = 2
	stepPayment  = 3
)

// paymentPass is the chance a shopper who sees the payment step pays, by
// device: the payment form fails many phones (story 1).
var paymentPass = [...]float64{desktop: 0.91, mobileWeb: 0.38, tabletWeb: 0.8}

// accountPass is the chance a shopper gets past step 1, by experiment arm:
// forced account creation loses many (story 7).
var accountPass = map[string]float64{"control": 0.5, "guest": 0.93}

var productPages = func() []*page {
	pages := make([]*page, len(products))
	for i, pr := range products {
		pages[i] = sitePage("/shop/products/"+pr.id[len("prod_"):], "Product: "+pr.name, "Shop", pr.name)
	}
	return pages
}()

func (g *generator) pickProduct() int {
	total := 0.0
	for _, pr := range products {
		total += pr.weight
	}
	x := g.rng.Float64() * total
	for i, pr := range products {
		if x < pr.weight {
			return i
		}
		x -= pr.weight
	}
	return 0
}

// line is a product in a cart.
type line struct {
	product *product
	qty     int
}

// shop is a visit to the shop within session s: products, perhaps a cart
// and a checkout. It returns whether an order was placed.
func (g *generator) shop(s *session) bool {
	return g.shopping(s, 0)
}

func (g *generator) shopping(s *session, repeat int) bool {
	if s.page != pageShop {
		s.view(pageShop)
	}
	currency := s.p.country.currency
	cartID := "cart_" + g.uuid()[:13]
	var cart []line
	add := 0.45
	if repeat > 0 {
		add = 0.8
	}
	for range 1 + g.geometric(0.45) {
		i := g.pickProduct()
		pr := products[i]
		s.view(productPages[i])
		o := g.object()
		g.productMembers(pr, currency, 0)
		s.track("Product Viewed", g.done(o))
		if g.chance(add) {
			qty := pick(g, []weighted[int]{{85, 1}, {10, 2}, {5, 3}})
			if j := slices.IndexFunc(cart, func(l line) bool { return l.product == pr }); j >= 0 {
				cart[j].qty += qty
			} else {
				cart = append(cart, line{pr, qty})
			}
			o := g.object()
			g.str("cart_id", cartID)
			g.productMembers(pr, currency, qty)
			s.track("Product Added", g.done(o))
		}
	}
	if len(cart) == 0 {
		return false
	}
	s.view(pageCart)
	o := g.object()
	g.str("cart_id", cartID)
	g.products(cart, currency)
	s.track("Cart Viewed", g.done(o))
	if !g.chance(0.72) {
		return false
	}
	ordered, abandonedAt := g.checkout(s, cartID, cart)
	p := s.p
	switch {
	case ordered && repeat < 3 && g.chance(0.3):
		// Back for more a few weeks later.
		t := g.after(p.country, s.t, g.lognormal(20*day, 0.6), profileOf(s.d.kind))
		if t < g.end {
			g.shopping(g.arrive(p, s.d, t, g.returnVisit(p)), repeat+1)
		}
	case !ordered && abandonedAt == stepPayment && s.d.kind == mobileWeb && g.chance(0.2):
		// Gave up paying on the phone; tries again on a computer.
		d := p.desktop
		if d == nil {
			d = g.webDevice(p, desktop, false)
		}
		t := g.after(p.country, s.t, g.lognormal(day, 0.8), &workHours)
		if t < g.end {
			return g.shopping(g.arrive(p, d, t, g.referredVisit(pageShop, "")), repeat+1)
		}
	}
	return ordered
}

func (g *generator) productMembers(pr *product, currency string, qty int) {
	g.str("product_id", pr.id)
	g.str("sku", pr.sku)
	g.str("name", pr.name)
	g.str("category", pr.category)
	g.money("price", pr.price[currency])
	if qty > 0 {
		g.num("quantity", qty)
	}
	g.str("currency", currency)
}

func (g *generator) products(cart []line, currency string) {
	g.open("products", '[')
	for i, l := range cart {
		o := g.object()
		g.str("product_id", l.product.id)
		g.str("sku", l.product.sku)
		g.str("name", l.product.name)
		g.str("category", l.product.category)
		g.money("price", l.product.price[currency])
		g.num("quantity", l.qty)
		g.num("position", i+1)
		g.done(o)
	}
	g.close(']')
}

// checkout runs the checkout of cart. It returns whether the order was
// completed, and if not, the step the shopper left at.
func (g *generator) checkout(s *session, cartID string, cart []line) (ordered bool, leftAt int) {
	p := s.p
	currency := p.country.currency
	checkoutID := g.newCheckoutID()
	orderID := g.newOrderID()
	s.view(pageCheckout)
	o := g.object()
	g.str("checkout_id", checkoutID)
	g.str("cart_id", cartID)
	g.str("order_id", orderID)
	g.str("currency", currency)
	g.products(cart, currency)
	s.track("Checkout Started", g.done(o))

	if s.userID() == "" {
		variant := s.d.variant
		o := g.object()
		g.str("experiment_id", "guest_checkout")
		g.str("experiment_name", "Guest checkout")
		g.str("variation_id", variant)
		g.str("variation_name", map[string]string{"control": "Account required", "guest": "Guest checkout"}[variant])
		g.str("experiment", "guest_checkout")
		g.str("variant", variant)
		s.track("Experiment Viewed", g.done(o))
		name := "account"
		if variant == "guest" {
			name = "contact_details"
		}
		g.checkoutStep(s, "Checkout Step Viewed", checkoutID, stepAccount, name)
		if !g.chance(accountPass[variant]) {
			return false, stepAccount
		}
		if p.email == "" {
			g.setEmail(p)
		}
		if variant == "control" {
			if p.userID == "" {
				p.userID = g.newUserID()
			}
			o := g.object()
			g.str("method", "checkout")
			s.track("Signed Up", g.done(o))
			o = g.object()
			g.personTraits(p)
			g.str("lifecycle_stage", "shop_customer")
			g.datetime("createdAt", s.t)
			s.identify(g.done(o))
		} else {
			// A guest leaves an email address: traits for the anonymous visitor.
			o := g.object()
			g.str("email", p.email)
			g.str("firstName", p.first)
			g.str("lastName", p.last)
			s.t += 500
			g.add(msg{ts: s.t, typ: typeIdentify, anonID: s.d.anonID, props: g.done(o), ctx: g.webContext(s)})
		}
		g.checkoutStep(s, "Checkout Step Completed", checkoutID, stepAccount, name)
	}
	g.checkoutStep(s, "Checkout Step Viewed", checkoutID, stepShipping, "shipping")
	if !g.chance(0.93) {
		return false, stepShipping
	}
	g.checkoutStep(s, "Checkout Step Completed", checkoutID, stepShipping, "shipping")
	g.checkoutStep(s, "Checkout Step Viewed", checkoutID, stepPayment, "payment")
	s.pause(40 * second)
	if !g.chance(paymentPass[s.d.kind]) {
		return false, stepPayment
	}
	method := p.country.payment[0]
	if g.chance(0.4) {
		method = oneOf(g, p.country.payment)
	}
	o = g.object()
	g.str("checkout_id", checkoutID)
	g.str("order_id", orderID)
	g.num("step", stepPayment)
	g.str("payment_method", method)
	s.track("Payment Info Entered", g.done(o))
	g.checkoutStep(s, "Checkout Step Completed", checkoutID, stepPayment, "payment")

	subtotal, physical := 0.0, false
	for _, l := range cart {
		subtotal += l.product.price[currency] * float64(l.qty)
		physical = physical || l.product.physical
	}
	discount, coupon := 0.0, ""
	if p.newsletterFrom > 0 && g.chance(0.3) {
		discount, coupon = subtotal*0.1, "WELCOME10"
	}
	revenue := subtotal - discount
	ship := 0.0
	if physical {
		ship = shipping[currency]
	}
	tax := revenue * p.country.vat
	o = g.object()
	g.str("checkout_id", checkoutID)
	g.str("order_id", orderID)
	g.str("affiliation", "Acme Journeys Shop")
	g.money("total", revenue+ship+tax)
	g.money("subtotal", subtotal)
	g.money("revenue", revenue)
	g.money("shipping", ship)
	g.money("tax", tax)
	g.money("discount", discount)
	if coupon != "" {
		g.str("coupon", coupon)
	}
	g.str("currency", currency)
	g.str("payment_method", method)
	g.products(cart, currency)
	s.track("Order Completed", g.done(o))
	s.view(pageConfirmation)
	if p.userID != "" && p.newsletterFrom == 0 && g.chance(0.3) {
		p.newsletterFrom = s.t
	}
	return true, 0
}

func (g *generator) checkoutStep(s *session, event, checkoutID string, step int, name string) {
	o := g.object()
	g.str("checkout_id", checkoutID)
	g.num("step", step)
	g.str("step_name", name)
	s.track(event, g.done(o))
}
