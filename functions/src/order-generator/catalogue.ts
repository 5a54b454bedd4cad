/**
 * The demo's generator ranges (docs/order-domain.md): 43 drinks with fixed
 * prices, hubs 10000-10009, customers 50000-50099, 48 Berlin delivery addresses.
 */
export const ARTICLES: readonly { article: string; price: number }[] = [
  ["Coca-Cola", 2.5],
  ["Coca-Cola Zero", 2.5],
  ["Coca-Cola Cherry", 2.95],
  ["Fanta Orange", 2.5],
  ["Fanta Lemon", 2.5],
  ["Sprite", 2.5],
  ["Mezzo Mix", 2.6],
  ["Club-Mate", 3.2],
  ["Fritz-Kola", 3.1],
  ["Bionade Holunder", 2.9],
  ["Apfelschorle", 2.4],
  ["Rhabarberschorle", 2.6],
  ["Ginger Ale", 2.8],
  ["Tonic Water", 2.8],
  ["Bitter Lemon", 2.8],
  ["Red Bull", 3.5],
  ["Eistee Pfirsich", 2.3],
  ["Eistee Zitrone", 2.3],
  ["Mineralwasser", 1.9],
  ["Mineralwasser still", 1.9],
  ["Orangensaft", 3.3],
  ["Apfelsaft", 3.1],
  ["Multivitaminsaft", 3.2],
  ["Kirschsaft", 3.3],
  ["Malzbier", 2.7],
  ["Mojito", 7.5],
  ["Caipirinha", 7.5],
  ["Cuba Libre", 6.9],
  ["Gin Tonic", 7.9],
  ["Aperol Spritz", 6.5],
  ["Hugo", 6.5],
  ["Moscow Mule", 7.9],
  ["Pina Colada", 8.5],
  ["Tequila Sunrise", 7.5],
  ["Long Island Iced Tea", 9.5],
  ["Sex on the Beach", 7.9],
  ["Mai Tai", 8.9],
  ["Margarita", 7.9],
  ["Daiquiri", 7.5],
  ["Whiskey Sour", 8.5],
  ["Negroni", 8.9],
  ["Espresso Martini", 9.5],
  ["Jim Beam Cola", 6.9],
].map(([article, price]) => ({ article: article as string, price: price as number }));

export const HUBS = { first: 10000, count: 10 } as const;
export const CUSTOMERS = { first: 50000, count: 100 } as const;

const STREETS = [
  "Pariser Platz",
  "Unter den Linden",
  "Friedrichstraße",
  "Karl-Marx-Allee",
  "Kurfürstendamm",
  "Oranienstraße",
  "Torstraße",
  "Kastanienallee",
  "Bergmannstraße",
  "Schönhauser Allee",
  "Sonnenallee",
  "Warschauer Straße",
];
const ZIPS = ["10117", "10117", "10117", "10243", "10719", "10999", "10119", "10435", "10961", "10437", "12045", "10243"];
const NAMES = ["Anna Schmidt", "Jonas Müller", "Lea Fischer", "Paul Weber"];

/** 48 addresses: 12 streets × 4 house numbers, always in Berlin. */
export const ADDRESSES = STREETS.flatMap((street, s) =>
  [1, 12, 27, 48].map((number, n) => ({
    name: NAMES[n] ?? "Anna Schmidt",
    street: `${street} ${number}`,
    city: "Berlin",
    zipCode: ZIPS[s] ?? "10117",
  })),
);
