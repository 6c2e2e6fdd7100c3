/** Invented names and places for generated buyers; e-mail domains use the reserved `.example` TLD. */

export const FIRST_NAMES = [
  'Anne',
  'Camille',
  'Louis',
  'Léa',
  'Hugo',
  'Chloé',
  'Lucas',
  'Manon',
  'Jules',
  'Inès',
  'Gabriel',
  'Sarah',
  'Arthur',
  'Jade',
  'Nathan',
  'Zoé',
  'Paul',
  'Emma',
  'Tom',
  'Alice',
] as const;

export const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
] as const;

export const STREETS = [
  'rue des Lilas',
  'avenue Jean Jaurès',
  'boulevard Voltaire',
  'place de la République',
  'chemin des Vignes',
  'impasse du Moulin',
  'rue Victor Hugo',
  'allée des Tilleuls',
  'quai de la Loire',
  'rue du Château',
] as const;

export interface Place {
  zipcode: string;
  city: string;
  country: string;
}

export const PLACES: readonly Place[] = [
  { zipcode: '75011', city: 'Paris', country: 'FR' },
  { zipcode: '69003', city: 'Lyon', country: 'FR' },
  { zipcode: '13006', city: 'Marseille', country: 'FR' },
  { zipcode: '31000', city: 'Toulouse', country: 'FR' },
  { zipcode: '33000', city: 'Bordeaux', country: 'FR' },
  { zipcode: '44000', city: 'Nantes', country: 'FR' },
  { zipcode: '59000', city: 'Lille', country: 'FR' },
  { zipcode: '67000', city: 'Strasbourg', country: 'FR' },
  { zipcode: '35000', city: 'Rennes', country: 'FR' },
  { zipcode: '34000', city: 'Montpellier', country: 'FR' },
  { zipcode: '06000', city: 'Nice', country: 'FR' },
  { zipcode: '21000', city: 'Dijon', country: 'FR' },
  { zipcode: '63000', city: 'Clermont-Ferrand', country: 'FR' },
  { zipcode: '29200', city: 'Brest', country: 'FR' },
  { zipcode: '97400', city: 'Saint-Denis', country: 'RE' },
  { zipcode: '1000', city: 'Bruxelles', country: 'BE' },
  { zipcode: '4000', city: 'Liège', country: 'BE' },
  { zipcode: 'L-1611', city: 'Luxembourg', country: 'LU' },
  { zipcode: '1204', city: 'Genève', country: 'CH' },
  { zipcode: '10115', city: 'Berlin', country: 'DE' },
];

export const COMPANIES = [
  'Menuiserie Fabre SARL',
  'Atelier Lenoir',
  'Boulangerie des Halles',
  'Cabinet Morel & Associés',
  'Jardins du Val SAS',
  'Studio Perrin',
  'Garage Central',
  'Librairie du Port',
] as const;

export const RELAY_POINTS = [
  { name: 'Tabac de la Gare', street: '2 place de la Gare' },
  { name: 'Pressing Saint-Jean', street: '15 rue Saint-Jean' },
  { name: 'Épicerie du Marché', street: '8 rue du Marché' },
  { name: 'Fleurs & Cie', street: '41 avenue de la Libération' },
] as const;
