import type { CategoryRecord } from './store';

/** The sample catalog, loaded by the sandbox and dev stages (never by prod). Ids are the original ones. */
export const sampleCategories: CategoryRecord[] = [
  { id: 'electronics', name: 'Electronics', description: 'Phones, tablets, cameras and smart devices' },
  { id: 'computers', name: 'Computers', description: 'Laptops, desktops and monitors' },
  { id: 'peripherals', name: 'Peripherals', description: 'Keyboards, mice, webcams and docks' },
  { id: 'audio', name: 'Audio', description: 'Headphones, earbuds and speakers' },
  { id: 'gaming', name: 'Gaming', description: 'Consoles, controllers and gaming gear' },
];

export interface SampleProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: number;
  category: string;
  brand: string;
  attributes: Record<string, string | number | boolean>;
  stock: number;
}

export const sampleProducts: SampleProduct[] = [
  {
    id: 'prod-laptop-001',
    sku: 'LAPTOP-001',
    name: 'Premium Ultrabook Pro 15',
    description: '15.6" 3K display, 16-core CPU, 32 GB RAM, 1 TB SSD, all-day battery in a 1.6 kg aluminium body.',
    price: 1299.99,
    category: 'Computers',
    brand: 'TechPro',
    attributes: { screen: '15.6 in', ram: '32 GB', storage: '1 TB SSD', weight: '1.6 kg' },
    stock: 50,
  },
  {
    id: 'prod-laptop-002',
    sku: 'LAPTOP-002',
    name: 'Everyday Laptop 14',
    description: '14" full-HD laptop for work and study with 16 GB RAM and a 512 GB SSD.',
    price: 649.0,
    category: 'Computers',
    brand: 'Nimbus',
    attributes: { screen: '14 in', ram: '16 GB', storage: '512 GB SSD' },
    stock: 80,
  },
  {
    id: 'prod-monitor-001',
    sku: 'MONITOR-001',
    name: '27" 4K IPS Monitor',
    description: '27-inch 4K IPS panel with USB-C power delivery and factory colour calibration.',
    price: 399.99,
    category: 'Computers',
    brand: 'ViewMax',
    attributes: { size: '27 in', resolution: '3840x2160', panel: 'IPS' },
    stock: 40,
  },
  {
    id: 'prod-phone-001',
    sku: 'PHONE-001',
    name: 'Smartphone X12',
    description: '6.5" OLED smartphone with a triple camera, 256 GB storage and 5G.',
    price: 899.0,
    category: 'Electronics',
    brand: 'Novatel',
    attributes: { screen: '6.5 in', storage: '256 GB', network: '5G' },
    stock: 120,
  },
  {
    id: 'prod-tablet-001',
    sku: 'TABLET-001',
    name: 'Tablet Air 11',
    description: '11" tablet with a laminated display, stylus support and 128 GB storage.',
    price: 549.5,
    category: 'Electronics',
    brand: 'Novatel',
    attributes: { screen: '11 in', storage: '128 GB' },
    stock: 60,
  },
  {
    id: 'prod-watch-001',
    sku: 'WATCH-001',
    name: 'Fitness Smartwatch 2',
    description: 'Water-resistant smartwatch with GPS, heart-rate and sleep tracking, 10-day battery.',
    price: 199.99,
    category: 'Electronics',
    brand: 'Pulse',
    attributes: { battery: '10 days', waterResistance: '5 ATM' },
    stock: 150,
  },
  {
    id: 'prod-keyboard-001',
    sku: 'KEYBOARD-001',
    name: 'Mechanical Keyboard TKL',
    description: 'Tenkeyless mechanical keyboard with hot-swappable switches and RGB backlight.',
    price: 129.99,
    category: 'Peripherals',
    brand: 'KeyForge',
    attributes: { layout: 'TKL', switches: 'Brown', wireless: false },
    stock: 200,
  },
  {
    id: 'prod-mouse-001',
    sku: 'MOUSE-001',
    name: 'Wireless Ergonomic Mouse',
    description: 'Ergonomic wireless mouse with a 4000 DPI sensor and 70-day battery.',
    price: 59.99,
    category: 'Peripherals',
    brand: 'KeyForge',
    attributes: { dpi: 4000, wireless: true },
    stock: 300,
  },
  {
    id: 'prod-headphones-001',
    sku: 'HEADPHONES-001',
    name: 'Noise-Cancelling Headphones',
    description: 'Over-ear wireless headphones with adaptive noise cancelling and 30-hour battery.',
    price: 299.99,
    category: 'Audio',
    brand: 'SoundWave',
    attributes: { type: 'over-ear', battery: '30 h', wireless: true },
    stock: 100,
  },
  {
    id: 'prod-speaker-001',
    sku: 'SPEAKER-001',
    name: 'Portable Bluetooth Speaker',
    description: 'Rugged waterproof speaker with 360-degree sound and 20-hour battery.',
    price: 89.95,
    category: 'Audio',
    brand: 'SoundWave',
    attributes: { waterproof: 'IP67', battery: '20 h' },
    stock: 180,
  },
  {
    id: 'prod-console-001',
    sku: 'CONSOLE-001',
    name: 'Game Console Series Z',
    description: 'Next-generation console with 1 TB SSD, 4K at 120 fps and ray tracing.',
    price: 499.99,
    category: 'Gaming',
    brand: 'PlayCore',
    attributes: { storage: '1 TB', resolution: '4K' },
    stock: 30,
  },
  {
    id: 'prod-controller-001',
    sku: 'CONTROLLER-001',
    name: 'Wireless Game Controller',
    description: 'Wireless controller with haptic feedback and adaptive triggers.',
    price: 69.99,
    category: 'Gaming',
    brand: 'PlayCore',
    attributes: { wireless: true, battery: '12 h' },
    stock: 250,
  },
];
