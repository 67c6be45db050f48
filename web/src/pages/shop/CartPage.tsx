import { PageHeading } from '../../components/PageHeading';

export const CartPage = () => <PageHeading>CartPage</PageHeading>;
